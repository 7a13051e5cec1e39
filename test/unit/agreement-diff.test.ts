import { diffSnapshots } from '../../src/modules/agreements/agreement.service';

/** A snapshot shaped like snapshotOf's: scalar fields, partners and conditions. */
function snapshot(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'ERASMUS_IIA',
    status: 'DRAFT',
    title: 'IIA with Freie Universität',
    reference: null,
    firstAcademicYear: '2026/2027',
    lastAcademicYear: '2028/2029',
    partners: [{ institutionId: 'p1', unitId: null }],
    conditions: [
      { sendingInstitutionId: 'home', receivingInstitutionId: 'p1', mobilityType: 'SMS', mobilitiesPerYear: 2, eqfLevels: [6, 7], subjectAreas: [{ isced: '0613' }] },
      { sendingInstitutionId: 'p1', receivingInstitutionId: 'home', mobilityType: 'SMS', mobilitiesPerYear: 3, eqfLevels: [6, 7], subjectAreas: [{ isced: '0714' }] },
    ],
    ...overrides,
  };
}

describe('diffSnapshots', () => {
  it('finds nothing between equal snapshots', () => {
    expect(diffSnapshots(snapshot(), snapshot())).toEqual([]);
  });

  it('names a changed scalar by its field', () => {
    expect(diffSnapshots(snapshot(), snapshot({ status: 'IN_NEGOTIATION', title: 'Renamed' }))).toEqual([
      { path: 'status', from: 'DRAFT', to: 'IN_NEGOTIATION' },
      { path: 'title', from: 'IIA with Freie Universität', to: 'Renamed' },
    ]);
  });

  it('names a change inside a condition by its index and field', () => {
    const after = snapshot();
    after.conditions[0] = { ...after.conditions[0], mobilitiesPerYear: 4 };
    expect(diffSnapshots(snapshot(), after)).toEqual([{ path: 'conditions.0.mobilitiesPerYear', from: 2, to: 4 }]);
  });

  it('goes down into nested lists: subject areas and EQF levels', () => {
    const after = snapshot();
    after.conditions[1] = { ...after.conditions[1], subjectAreas: [{ isced: '0715' }], eqfLevels: [6, 7, 8] };
    expect(diffSnapshots(snapshot(), after)).toEqual([
      { path: 'conditions.1.eqfLevels.2', from: null, to: 8 },
      { path: 'conditions.1.subjectAreas.0.isced', from: '0714', to: '0715' },
    ]);
  });

  it('reports an added or removed condition as a whole, against null', () => {
    const one = snapshot();
    const removed = { ...one, conditions: [one.conditions[0]] };
    expect(diffSnapshots(one, removed)).toEqual([{ path: 'conditions.1', from: one.conditions[1], to: null }]);
    expect(diffSnapshots(removed, one)).toEqual([{ path: 'conditions.1', from: null, to: one.conditions[1] }]);
  });

  it('shifts by index when a list item is removed from the front (a positional comparison)', () => {
    const before = { eqfLevels: [6, 7] };
    expect(diffSnapshots(before, { eqfLevels: [7] })).toEqual([
      { path: 'eqfLevels.0', from: 6, to: 7 },
      { path: 'eqfLevels.1', from: 7, to: null },
    ]);
  });

  it('treats a missing field, undefined and null alike', () => {
    expect(diffSnapshots({ reference: null }, { reference: undefined })).toEqual([]);
    expect(diffSnapshots({ reference: null }, {})).toEqual([]);
    expect(diffSnapshots({}, { internalNote: 'Call in March' })).toEqual([{ path: 'internalNote', from: null, to: 'Call in March' }]);
  });

  it('reports a list that appears where there was none (a snapshot without loaded partners)', () => {
    expect(diffSnapshots({ partners: undefined }, { partners: [{ institutionId: 'p1' }] })).toEqual([
      { path: 'partners', from: null, to: [{ institutionId: 'p1' }] },
    ]);
  });

  it('compares values by their JSON: a number and its text differ, a list and an object differ', () => {
    expect(diffSnapshots({ months: 10 }, { months: '10' })).toEqual([{ path: 'months', from: 10, to: '10' }]);
    expect(diffSnapshots({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: 'a', from: [1], to: { 0: 1 } }]);
  });

  it('names the root with an empty path when the snapshots themselves are plain values', () => {
    expect(diffSnapshots(1, 2)).toEqual([{ path: '', from: 1, to: 2 }]);
    expect(diffSnapshots('x', 'x')).toEqual([]);
  });

  it('prefixes paths with the given base path', () => {
    expect(diffSnapshots({ title: 'a' }, { title: 'b' }, 'agreement')).toEqual([{ path: 'agreement.title', from: 'a', to: 'b' }]);
  });
});
