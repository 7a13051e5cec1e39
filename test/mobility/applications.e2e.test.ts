/**
 * Applications: the full flow per programme and mobility type, the application window, guarded transitions with their
 * history, preference checks, and concurrent changes to one application (no lost update).
 */
import {
  MobApplicationDocument,
  MobChangeApplicationStatusDocument,
  MobCreateApplicationDocument,
  MobSubmitApplicationDocument,
  MobUpdateApplicationDocument,
  MobWaiveApplicationDocument,
  type ApplicationStatus,
  type MobilityProgrammeCode,
  type MobilityType,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { errorOf, HOUR, iso, MobilityWorld, ok, placeOf, STAFF, type Application, type Place } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

const steps = (application: Pick<Application, 'history'>) => application.history.map((h) => `${h.from ?? '∅'}→${h.to}`);

/** A published open call of `programme` with places at new partners (one per country given, capacity each). */
async function callWithPlaces(
  programme: MobilityProgrammeCode,
  mobilityType: MobilityType,
  countries: string[],
  opts: { capacity?: number; kind?: 'ERASMUS_IIA' | 'MEVLANA'; maxPreferences?: number } = {},
) {
  const partners = await Promise.all(countries.map((c) => world.partner(c)));
  await world.agreement(
    partners.map((p) => ({ partner: p.id, mobilityType, mobilitiesPerYear: opts.capacity ?? 1 })),
    { kind: opts.kind ?? 'ERASMUS_IIA' },
  );
  const { call, places } = await world.openCall(programme, { mobilityType, maxPreferences: opts.maxPreferences });
  return { call, partners, places: partners.map((p) => placeOf(places, p.name)), allPlaces: places };
}

async function fullFlow(
  programme: MobilityProgrammeCode,
  mobilityType: MobilityType,
  country: string,
  kind: 'ERASMUS_IIA' | 'MEVLANA',
  fields: Record<string, unknown>,
  expected: { number: RegExp; score: number; breakdown: { criterion: string; input: string; points: number }[] },
) {
  const { call, places } = await callWithPlaces(programme, mobilityType, [country, country], { kind });
  const who = world.applicant(mobilityType === 'STA' ? 'staff' : 'student');

  const draft = await world.createApplication(who, call.id, { ...fields, preferences: [places[0].id, places[1].id] });
  expect(draft).toMatchObject({ status: 'DRAFT', version: 1, submittedAt: null, call: { id: call.id }, applicant: { subject: who.sub } });
  expect(draft.number).toMatch(expected.number);
  expect(draft.preferences.map((p) => [p.rank, p.place.id])).toEqual([
    [1, places[0].id],
    [2, places[1].id],
  ]);

  // The applicant may change the draft (here: the order of the preferences) while the call is open.
  const updated = ok(await hub.request(MobUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, preferences: [places[1].id, places[0].id] } }, who))
    .updateMobilityApplication;
  expect(updated.version).toBe(2);
  expect(updated.preferences.map((p) => p.place.id)).toEqual([places[1].id, places[0].id]);

  const submitted = await world.submit(who, updated);
  expect(submitted).toMatchObject({ status: 'SUBMITTED', version: 3 });
  expect(submitted.submittedAt).not.toBeNull();

  await world.closeCall(call.id);
  const evaluation = await world.evaluate(call.id);
  expect(evaluation.counts).toEqual([{ status: 'SCORED', count: 1 }]);
  const scored = await world.read(draft.id);
  expect(scored).toMatchObject({ status: 'SCORED', score: expected.score, eligibilityIssues: [], previousMobilities: 0 });
  expect(scored.scoreBreakdown.map(({ criterion, input, points }) => ({ criterion, input, points }))).toEqual(expected.breakdown);

  const placement = await world.place(call.id);
  expect(placement.counts).toEqual([{ status: 'SELECTED', count: 1 }]);
  const selected = await world.read(draft.id);
  expect(selected).toMatchObject({ status: 'SELECTED', rank: 1, reserveRank: null, zeroGrant: false, placedAt: { id: places[1].id } });

  const nominated = await world.officeStep(selected, 'NOMINATED');
  const accepted = await world.officeStep(nominated, 'ACCEPTED');
  expect(accepted.status).toBe('ACCEPTED');
  expect(steps(accepted)).toEqual(['∅→DRAFT', 'DRAFT→SUBMITTED', 'SUBMITTED→ELIGIBLE', 'ELIGIBLE→SCORED', 'SCORED→SELECTED', 'SELECTED→NOMINATED', 'NOMINATED→ACCEPTED']);
  // Who took each step, as the office sees it: the applicant, then the office (evaluation, placement, nomination, the host's answer).
  expect(accepted.history.map((h) => h.actor)).toEqual([who.sub, who.sub, STAFF.sub, STAFF.sub, STAFF.sub, STAFF.sub, STAFF.sub]);
  // The applicant follows it all in their own list.
  const mine = ok(await hub.request(MobApplicationDocument, { id: draft.id }, who)).mobilityApplication!;
  expect(mine).toMatchObject({ status: 'ACCEPTED', placedAt: { id: places[1].id } });
  return accepted;
}

describe('the full flow', () => {
  it('Erasmus+ KA131 study (SMS): draft → submitted → eligible → scored → selected → nominated → accepted', async () => {
    await fullFlow('ERASMUS_KA131', 'SMS', 'DE', 'ERASMUS_IIA', { gpa: 3, languageScore: 80 }, {
      number: /^2027-KA131-SMS-\d{4}$/,
      score: 78.34,
      breakdown: [
        { criterion: 'ACADEMIC', input: 'GPA 3.00 → 76.67', points: 38.34 },
        { criterion: 'LANGUAGE', input: '80', points: 40 },
      ],
    });
  });

  it('Erasmus+ KA131 traineeship (SMT): the same flow', async () => {
    await fullFlow('ERASMUS_KA131', 'SMT', 'NL', 'ERASMUS_IIA', { gpa: 3.5, languageScore: 70 }, {
      number: /^2027-KA131-SMT-\d{4}$/,
      score: 79.17,
      breakdown: [
        { criterion: 'ACADEMIC', input: 'GPA 3.50 → 88.33', points: 44.17 },
        { criterion: 'LANGUAGE', input: '70', points: 35 },
      ],
    });
  });

  it('Mevlana study (SMS): the same flow under the Mevlana rules', async () => {
    await fullFlow('MEVLANA', 'SMS', 'KR', 'MEVLANA', { gpa: 2.5, languageScore: 60, citizenships: ['TR'] }, {
      number: /^2027-MEV-SMS-\d{4}$/,
      score: 62.5,
      breakdown: [
        { criterion: 'ACADEMIC', input: 'GPA 2.50 → 65.00', points: 32.5 },
        { criterion: 'LANGUAGE', input: '60', points: 30 },
      ],
    });
  });

  it('a staff teaching mobility (STA): a staff member applies without study details and is scored by the staff rules', async () => {
    const accepted = await fullFlow(
      'ERASMUS_KA131',
      'STA',
      'PL',
      'ERASMUS_IIA',
      { studyLevel: null, yearOfStudy: null, gpa: null, plannedMonths: null, plannedDays: 5, languageScore: 72.5, unitId: world.unit('ENG-EEE') },
      {
        number: /^2027-KA131-STA-\d{4}$/,
        score: 82.5,
        breakdown: [
          { criterion: 'LANGUAGE', input: '72.5', points: 72.5 },
          { criterion: 'FIRST_MOBILITY', input: 'no earlier mobility', points: 10 },
        ],
      },
    );
    expect(accepted).toMatchObject({ studyLevel: null, gpa: null, plannedDays: 5, unit: { code: 'ENG-EEE' } });
  });

  it('refuses study details on a staff call with CATEGORY_MISMATCH', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'STT', ['CZ']);
    const res = await hub.request(MobCreateApplicationDocument, { input: world.applicationInput(call.id, { preferences: [places[0].id] }) }, world.applicant('staff'));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CATEGORY_MISMATCH' });
  });
});

describe('the application window', () => {
  it('before the call opens: creating, changing and submitting are CONFLICT / CALL_NOT_OPEN', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['SE']);
    const early = world.applicant();
    const draft = await world.createApplication(early, call.id, { preferences: [places[0].id] });
    // The office moves the window into the future (a call announced before it opens).
    ok(await world.updateCall(call.id, { opensAt: iso(HOUR), closesAt: iso(2 * HOUR), waiverDeadline: iso(2 * HOUR) }));

    const create = await hub.request(MobCreateApplicationDocument, { input: world.applicationInput(call.id, { preferences: [places[0].id] }) }, world.applicant());
    expect(errorOf(create)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_NOT_OPEN', field: 'callId' });
    const update = await hub.request(MobUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, gpa: 3.9 } }, early);
    expect(errorOf(update)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_NOT_OPEN' });
    const submit = await hub.request(MobSubmitApplicationDocument, { id: draft.id, version: draft.version }, early);
    expect(errorOf(submit)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_NOT_OPEN' });
    expect(await world.read(draft.id)).toMatchObject({ status: 'DRAFT', version: 1, gpa: 3 });
  });

  it('after the call closes: creating, changing and submitting are CONFLICT / CALL_CLOSED', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['FI']);
    const late = world.applicant();
    const draft = await world.createApplication(late, call.id, { preferences: [places[0].id] });
    await world.closeCall(call.id);

    const create = await hub.request(MobCreateApplicationDocument, { input: world.applicationInput(call.id, { preferences: [places[0].id] }) }, world.applicant());
    expect(errorOf(create)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_CLOSED', field: 'callId' });
    const update = await hub.request(MobUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, gpa: 3.9 } }, late);
    expect(errorOf(update)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_CLOSED' });
    const submit = await hub.request(MobSubmitApplicationDocument, { id: draft.id, version: draft.version }, late);
    expect(errorOf(submit)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_CLOSED' });
    expect(await world.read(draft.id)).toMatchObject({ status: 'DRAFT', version: 1, gpa: 3, submittedAt: null });
  });

  it('a draft call takes no applications (it is not found)', async () => {
    const draft = await world.draftCall('ERASMUS_KA131');
    const res = await hub.request(MobCreateApplicationDocument, { input: world.applicationInput(draft.id, {}) }, world.applicant());
    expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', reason: 'MOBILITY_CALL_NOT_FOUND' });
  });

  it('no edits after submission: NOT_EDITABLE, and a second submission is an INVALID_TRANSITION', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['EE']);
    const who = world.applicant();
    const submitted = await world.apply(who, call.id, { preferences: [places[0].id] });
    const update = await hub.request(MobUpdateApplicationDocument, { input: { id: submitted.id, version: submitted.version, gpa: 4 } }, who);
    expect(errorOf(update)).toMatchObject({ code: 'CONFLICT', reason: 'NOT_EDITABLE', status: 'SUBMITTED' });
    const again = await hub.request(MobSubmitApplicationDocument, { id: submitted.id, version: submitted.version }, who);
    expect(errorOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'SUBMITTED', to: 'SUBMITTED' });
    expect(await world.read(submitted.id)).toMatchObject({ status: 'SUBMITTED', version: submitted.version, gpa: 3 });
  });

  it('one application per applicant and call: a second one is DUPLICATE_APPLICATION naming the first', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['LV']);
    const who = world.applicant();
    const first = await world.createApplication(who, call.id, { preferences: [places[0].id] });
    const second = await hub.request(MobCreateApplicationDocument, { input: world.applicationInput(call.id, { preferences: [places[0].id] }) }, who);
    expect(errorOf(second)).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE_APPLICATION', applicationId: first.id });
    const count = await world.sql<{ n: number }>(`select count(*)::int as n from mobility_application where applicant_subject = ?`, [who.sub]);
    expect(count[0].n).toBe(1);
  });
});

describe('preferences and declared facts', () => {
  let call: { id: string };
  let open: Place; // any unit, any level
  let sciOnly: Place; // sendingUnit SCI
  let masterOnly: Place; // EQF 7
  let elsewhere: Place; // a place of another call

  beforeAll(async () => {
    const [a, b, c] = await Promise.all(['PT', 'HU', 'SK'].map((country) => world.partner(country)));
    await world.agreement([{ partner: a.id }, { partner: b.id, sendingUnit: 'SCI' }, { partner: c.id, eqfLevels: [7] }]);
    const opened = await world.openCall('ERASMUS_KA131', { maxPreferences: 2 });
    call = opened.call;
    [open, sciOnly, masterOnly] = [placeOf(opened.places, a.name), placeOf(opened.places, b.name), placeOf(opened.places, c.name)];
    const other = await world.openCall('ERASMUS_KA131');
    elsewhere = placeOf(other.places, a.name);
  });

  const cases: [string, () => Record<string, unknown>, Record<string, unknown>][] = [
    ['a place of another call', () => ({ preferences: [open.id, elsewhere.id] }), { code: 'BAD_USER_INPUT', reason: 'PLACE_NOT_IN_CALL', field: 'preferences[1]' }],
    ['another faculty’s place', () => ({ preferences: [sciOnly.id] }), { code: 'BAD_USER_INPUT', reason: 'PLACE_NOT_FOR_APPLICANT', field: 'preferences[0]' }],
    ['a master’s place for a bachelor student', () => ({ preferences: [masterOnly.id] }), { code: 'BAD_USER_INPUT', reason: 'PLACE_NOT_FOR_APPLICANT', field: 'preferences[0]' }],
    ['more preferences than the call allows', () => ({ preferences: [open.id, masterOnly.id, sciOnly.id] }), { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_PREFERENCES', max: 2 }],
    ['the same place twice', () => ({ preferences: [open.id, open.id] }), { code: 'BAD_USER_INPUT', reason: 'DUPLICATE_PREFERENCE', field: 'preferences[1]' }],
    [
      'a fact the programme gives no points for',
      () => ({ preferences: [open.id], declaredFacts: [{ code: 'FREE_POINTS', evidence: ['doc-1'] }] }),
      { code: 'BAD_USER_INPUT', reason: 'UNKNOWN_FACT', field: 'declaredFacts[0].code' },
    ],
  ];

  it.each(cases)('refuses %s on creation and creates nothing', async (_what, fields, error) => {
    const who = world.applicant();
    const res = await hub.request(MobCreateApplicationDocument, { input: world.applicationInput(call.id, fields()) }, who);
    expect(errorOf(res)).toMatchObject(error);
    const count = await world.sql<{ n: number }>(`select count(*)::int as n from mobility_application where applicant_subject = ?`, [who.sub]);
    expect(count[0].n).toBe(0);
  });

  it.each(cases)('refuses %s on an update and keeps the draft as it was', async (_what, fields, error) => {
    const who = world.applicant();
    const draft = await world.createApplication(who, call.id, { preferences: [open.id] });
    const res = await hub.request(MobUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, ...fields() } }, who);
    expect(errorOf(res)).toMatchObject(error);
    const read = await world.read(draft.id);
    expect(read).toMatchObject({ version: 1, declaredFacts: [] });
    expect(read.preferences.map((p) => p.place.id)).toEqual([open.id]);
  });

  it('checks the kept preferences again when the unit or the study level changes without them (PLACE_NOT_FOR_APPLICANT)', async () => {
    const master = world.applicant();
    const masterDraft = await world.createApplication(master, call.id, { studyLevel: 'MASTER', preferences: [masterOnly.id] });
    const toBachelor = await hub.request(MobUpdateApplicationDocument, { input: { id: masterDraft.id, version: masterDraft.version, studyLevel: 'BACHELOR' } }, master);
    expect(errorOf(toBachelor)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PLACE_NOT_FOR_APPLICANT', field: 'preferences[0]' });
    expect(await world.read(masterDraft.id)).toMatchObject({ version: 1, studyLevel: 'MASTER', preferences: [{ rank: 1, place: { id: masterOnly.id } }] });

    const physicist = world.applicant();
    const sciDraft = await world.createApplication(physicist, call.id, { unitId: world.unit('SCI-PHYS'), preferences: [open.id, sciOnly.id] });
    const toEngineering = await hub.request(MobUpdateApplicationDocument, { input: { id: sciDraft.id, version: sciDraft.version, unitId: world.unit('ENG-CENG') } }, physicist);
    expect(errorOf(toEngineering)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PLACE_NOT_FOR_APPLICANT', field: 'preferences[1]' });
    const kept = await world.read(sciDraft.id);
    expect(kept).toMatchObject({ version: 1, unit: { code: 'SCI-PHYS' } });
    expect(kept.preferences.map((p) => p.place.id)).toEqual([open.id, sciOnly.id]);

    // A change that still fits keeps the preferences as they were.
    const moved = ok(await hub.request(MobUpdateApplicationDocument, { input: { id: sciDraft.id, version: 1, unitId: world.unit('SCI-MATH') } }, physicist))
      .updateMobilityApplication;
    expect(moved).toMatchObject({ version: 2, unit: { code: 'SCI-MATH' } });
    expect(moved.preferences.map((p) => [p.rank, p.place.id])).toEqual([
      [1, open.id],
      [2, sciOnly.id],
    ]);
  });

  it('accepts the faculty’s own place for a department of it, and the master’s place for a master student', async () => {
    const sci = await world.createApplication(world.applicant(), call.id, { unitId: world.unit('SCI-PHYS'), preferences: [sciOnly.id, open.id] });
    expect(sci.preferences.map((p) => p.place.id)).toEqual([sciOnly.id, open.id]);
    const master = await world.createApplication(world.applicant(), call.id, { studyLevel: 'MASTER', preferences: [masterOnly.id] });
    expect(master.preferences.map((p) => p.place.id)).toEqual([masterOnly.id]);
  });
});

describe('transitions', () => {
  /** A call closed and evaluated with the given applicants (gpa 3 eligible, 1.5 not), placed when asked. */
  async function evaluatedCall(gpas: number[], opts: { place?: boolean; capacity?: number } = {}) {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['DK'], { capacity: opts.capacity ?? gpas.length });
    const people = gpas.map(() => world.applicant());
    const applications = [];
    for (let i = 0; i < gpas.length; i++) applications.push(await world.apply(people[i], call.id, { gpa: gpas[i], preferences: [places[0].id] }));
    await world.closeCall(call.id);
    await world.evaluate(call.id);
    if (opts.place) await world.place(call.id);
    return { call, people, applications: await Promise.all(applications.map((a) => world.read(a.id))) };
  }

  it('refuses steps outside the allowed ones with CONFLICT / INVALID_TRANSITION listing what is allowed', async () => {
    const { applications, people } = await evaluatedCall([3, 3.2], { place: false });
    const [scored] = applications;
    expect(scored.status).toBe('SCORED');
    const nominate = await hub.request(MobChangeApplicationStatusDocument, { input: { id: scored.id, version: scored.version, to: 'NOMINATED' } }, STAFF);
    expect(errorOf(nominate)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'SCORED', to: 'NOMINATED', allowed: ['CANCELLED'] });
    // Placement is the selection's step, not the office's by hand.
    const select = await hub.request(MobChangeApplicationStatusDocument, { input: { id: scored.id, version: scored.version, to: 'SELECTED' } }, STAFF);
    expect(errorOf(select)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'SCORED', to: 'SELECTED' });
    // A scored application cannot be waived: there is nothing to give up yet.
    const waive = await hub.request(MobWaiveApplicationDocument, { input: { id: scored.id, version: scored.version } }, people[0]);
    expect(errorOf(waive)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'SCORED', to: 'WAIVED' });
    expect(await world.read(scored.id)).toMatchObject({ status: 'SCORED', version: scored.version });

    // Waiving a draft.
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['DK']);
    const who = world.applicant();
    const draft = await world.createApplication(who, call.id, { preferences: [places[0].id] });
    const waiveDraft = await hub.request(MobWaiveApplicationDocument, { input: { id: draft.id, version: draft.version, reason: 'changed my mind' } }, who);
    expect(errorOf(waiveDraft)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'DRAFT', to: 'WAIVED', allowed: ['SUBMITTED', 'WITHDRAWN'] });
    // The host's answer needs a nomination first.
    const { applications: placed } = await evaluatedCall([3], { place: true });
    const accept = await hub.request(MobChangeApplicationStatusDocument, { input: { id: placed[0].id, version: placed[0].version, to: 'ACCEPTED' } }, STAFF);
    expect(errorOf(accept)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'SELECTED', to: 'ACCEPTED' });
  });

  it('lets the office cancel from any state with a reason (REASON_REQUIRED without one), recorded in the history', async () => {
    // DRAFT and SUBMITTED, while the call is open.
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['LT']);
    const draft = await world.createApplication(world.applicant(), call.id, { preferences: [places[0].id] });
    const submitted = await world.apply(world.applicant(), call.id, { preferences: [places[0].id] });
    // INELIGIBLE, SCORED, SELECTED and ACCEPTED after the selection.
    const { applications } = await evaluatedCall([1.5, 3, 3.1, 3.2], { place: false });
    const [ineligible, scored] = applications;
    const { applications: placed } = await evaluatedCall([3, 3.4], { place: true });
    const accepted = await world.officeStep(await world.officeStep(placed[1], 'NOMINATED'), 'ACCEPTED');
    const targets: [ApplicationStatus, Application][] = [
      ['DRAFT', draft],
      ['SUBMITTED', submitted],
      ['INELIGIBLE', ineligible],
      ['SCORED', scored],
      ['SELECTED', placed[0]],
      ['ACCEPTED', accepted],
    ];
    for (const [status, application] of targets) {
      expect(application.status).toBe(status);
      for (const reason of [undefined, '   ']) {
        const refused = await hub.request(MobChangeApplicationStatusDocument, { input: { id: application.id, version: application.version, to: 'CANCELLED', reason } }, STAFF);
        expect({ status, error: errorOf(refused) }).toMatchObject({ status, error: { code: 'BAD_USER_INPUT', reason: 'REASON_REQUIRED', field: 'reason' } });
      }
      const why = `Cancelled from ${status}: documents found to be forged`;
      const cancelled = await world.officeStep(application, 'CANCELLED', why);
      expect(cancelled).toMatchObject({ status: 'CANCELLED', version: application.version + 1 });
      const last = cancelled.history[cancelled.history.length - 1];
      expect(last).toMatchObject({ from: status, to: 'CANCELLED', actor: STAFF.sub, reason: why });
      expect(Date.parse(last.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    // A cancelled application stays cancelled.
    const again = await world.read(draft.id);
    const res = await hub.request(MobChangeApplicationStatusDocument, { input: { id: again.id, version: again.version, to: 'CANCELLED', reason: 'twice' } }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'CANCELLED', to: 'CANCELLED', allowed: [] });
  });
});

describe('concurrent updates to one application', () => {
  it('two updates with the same version at once: exactly one succeeds, the other is VERSION_CONFLICT, and the winner’s values are stored', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['SI', 'RO', 'BG']);
    for (let round = 0; round < 3; round++) {
      const who = world.applicant();
      const draft = await world.createApplication(who, call.id, { preferences: [places[0].id] });
      const a = { gpa: 2.75, languageScore: 61, languageExam: 'TOEFL', preferences: [places[1].id, places[0].id] };
      const b = { gpa: 3.85, languageScore: 93, languageExam: 'IELTS', preferences: [places[2].id] };
      const results = await Promise.all(
        [a, b].map((fields) => hub.request(MobUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, ...fields } }, who)),
      );
      const succeeded = results.filter((r) => !r.errors);
      const refused = results.filter((r) => r.errors);
      expect(succeeded).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(errorOf(refused[0])).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
      const winner = results[0].errors ? b : a;
      const stored = await world.read(draft.id);
      expect(stored).toMatchObject({ version: 2, gpa: winner.gpa, languageScore: winner.languageScore, languageExam: winner.languageExam });
      expect(stored.preferences.map((p) => p.place.id)).toEqual(winner.preferences);
    }
  });

  it('also when only the preferences change: one succeeds, the other is VERSION_CONFLICT', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['HR', 'CY']);
    const who = world.applicant();
    const draft = await world.createApplication(who, call.id, { preferences: [places[0].id] });
    const orders = [[places[1].id], [places[0].id, places[1].id]];
    const results = await Promise.all(
      orders.map((preferences) => hub.request(MobUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, preferences } }, who)),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    const refused = results.find((r) => r.errors)!;
    expect(errorOf(refused)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    const winner = results[0].errors ? orders[1] : orders[0];
    const stored = await world.read(draft.id);
    expect(stored.version).toBe(2);
    expect(stored.preferences.map((p) => p.place.id)).toEqual(winner);
  });

  it('two office status changes with the same version at once: exactly one succeeds and only its step is recorded', async () => {
    const { call, places } = await callWithPlaces('ERASMUS_KA131', 'SMS', ['MT'], { capacity: 3 });
    const people = [world.applicant(), world.applicant(), world.applicant()];
    const applications: Application[] = [];
    for (const who of people) applications.push(await world.apply(who, call.id, { preferences: [places[0].id] }));
    await world.closeCall(call.id);
    await world.evaluate(call.id);
    await world.place(call.id);
    for (const application of applications) {
      const selected = await world.read(application.id);
      expect(selected.status).toBe('SELECTED');
      const changes = [
        { to: 'NOMINATED' as const, reason: undefined },
        { to: 'CANCELLED' as const, reason: 'Did not register for the semester' },
      ];
      const results = await Promise.all(
        changes.map((c) => hub.request(MobChangeApplicationStatusDocument, { input: { id: selected.id, version: selected.version, ...c } }, STAFF)),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      const refused = results.find((r) => r.errors)!;
      expect(errorOf(refused)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
      const winner = results[0].errors ? changes[1] : changes[0];
      const stored = await world.read(selected.id);
      expect(stored).toMatchObject({ status: winner.to, version: selected.version + 1 });
      expect(stored.history.filter((h) => h.from === 'SELECTED').map((h) => h.to)).toEqual([winner.to]);
    }
  });
});
