import { academicYearEnd, academicYearOf, startYear } from '../../src/modules/agreements/academic-year';
import {
  AgreementByIdDocument,
  AgreementChangeStatusDocument,
  AgreementCreateDocument,
  AgreementCreatePartnerDocument,
  AgreementHistoryDocument,
  AgreementHomeDocument,
  AgreementInternalNoteDocument,
  AgreementListDocument,
  AgreementListWithPartiesDocument,
  AgreementNodeDocument,
  AgreementQuotaTotalsDocument,
  AgreementSignDocument,
  AgreementStatusChangedDocument,
  AgreementUpdateDocument,
  type AgreementFilter,
  type AgreementStatus,
  type AgreementStatusChangedSubscription,
  type CooperationConditionInput,
  type CreateAgreementInput,
  type QuotaGrouping,
  type SigningSide,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type GraphQLResponse, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF = { role: 'STAFF' as const };
const APPLICANT = { role: 'APPLICANT' as const };
let homeId: string;
/** Global IDs of the seeded home units by code (ENG, ENG-CENG, SCI, ...). */
const units = new Map<string, string>();
/** A partner for the tests that need just one. */
let partnerId: string;
let coordinatorOfEng: Identity;

/** The uuid inside a global ID, as tokens carry unit scopes. */
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const RUN = Math.random().toString(36).slice(2, 7);
let sequence = 0;
const tag = () => `${RUN}-${++sequence}`;

/** Academic years relative to the current one (today is in late 2026: offset 0 is 2026/2027). */
const CURRENT = academicYearOf(new Date());
const year = (offset: number) => `${startYear(CURRENT) + offset}/${startYear(CURRENT) + offset + 1}`;
const today = () => new Date().toISOString().slice(0, 10);

function errorOf(res: GraphQLResponse<unknown>) {
  expect(res.errors).toBeDefined();
  return res.errors![0].extensions as Record<string, unknown>;
}

async function newPartner(country = 'DE'): Promise<string> {
  const res = await hub.request(AgreementCreatePartnerDocument, { input: { officialName: `Partner University ${tag()}`, country } }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createInstitution.id;
}

function condition(sending: string, receiving: string, extra: Partial<CooperationConditionInput> = {}): CooperationConditionInput {
  return {
    sendingInstitutionId: sending,
    receivingInstitutionId: receiving,
    mobilityType: 'SMS',
    firstAcademicYear: year(0),
    lastAcademicYear: year(2),
    mobilitiesPerYear: 2,
    totalMonthsPerYear: 10,
    subjectAreas: [{ isced: '0613' }],
    eqfLevels: [6, 7],
    languages: [{ language: 'en', cefr: 'B2' }],
    ...extra,
  };
}

/** An Erasmus+ IIA with one condition each way: outgoing in ISCED 0613, incoming in 0714. */
function iia(partner = partnerId, extra: Partial<CreateAgreementInput> = {}): CreateAgreementInput {
  return {
    kind: 'ERASMUS_IIA',
    title: `IIA ${tag()}`,
    partners: [{ institutionId: partner }],
    firstAcademicYear: year(0),
    lastAcademicYear: year(2),
    conditions: [
      condition(homeId, partner),
      condition(partner, homeId, { subjectAreas: [{ isced: '0714' }], mobilitiesPerYear: 3, totalMonthsPerYear: 15 }),
    ],
    ...extra,
  };
}

async function create(input: CreateAgreementInput) {
  const res = await hub.request(AgreementCreateDocument, { input }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createAgreement;
}

async function changeStatus(id: string, version: number, status: AgreementStatus) {
  const res = await hub.request(AgreementChangeStatusDocument, { id, version, status }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.changeAgreementStatus;
}

async function sign(id: string, version: number, side: SigningSide, signedOn = '2026-11-02') {
  const res = await hub.request(AgreementSignDocument, { input: { id, version, side, signatory: `${side} Rector`, signedOn } }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.signAgreement;
}

/** DRAFT → IN_NEGOTIATION → signed by both sides. */
async function putInEffect(agreement: { id: string; version: number }) {
  const negotiating = await changeStatus(agreement.id, agreement.version, 'IN_NEGOTIATION');
  const one = await sign(agreement.id, negotiating.version, 'HOME');
  const both = await sign(agreement.id, one.version, 'PARTNER');
  expect(both.status).toBe('IN_EFFECT');
  return both;
}

async function agreementCount(): Promise<number> {
  const res = await hub.request(AgreementListDocument, { first: 0 }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.agreements.totalCount;
}

/** Every agreement id matching a filter, across pages. */
async function idsMatching(filter: AgreementFilter, as: Identity = STAFF): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null | undefined;
  for (;;) {
    const res = await hub.request(AgreementListDocument, { first: 100, after, filter }, as);
    expect(res.errors).toBeUndefined();
    ids.push(...res.data!.agreements.nodes.map((n) => n.id));
    if (!res.data!.agreements.pageInfo.hasNextPage) return ids;
    after = res.data!.agreements.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  hub = await startTestHub();
  const home = await hub.request(AgreementHomeDocument, {});
  homeId = home.data!.homeInstitution.id;
  for (const unit of home.data!.homeInstitution.topLevelUnits) {
    units.set(unit.code, unit.id);
    for (const child of unit.children) units.set(child.code, child.id);
  }
  expect(['ENG', 'ENG-CENG', 'SCI', 'SCI-PHYS'].every((c) => units.has(c))).toBe(true);
  partnerId = await newPartner();
  coordinatorOfEng = { role: 'COORDINATOR', sub: 'coordinator-eng', units: [uuidOf(units.get('ENG')!)] };
});
afterAll(() => hub.close());

describe('createAgreement', () => {
  it('creates an Erasmus+ IIA with a cooperation condition in each direction as STAFF', async () => {
    const input = iia(partnerId, { homeUnitId: units.get('ENG-CENG'), reference: `REF-${tag()}` });
    const created = await create(input);
    expect(created).toMatchObject({
      kind: 'ERASMUS_IIA',
      status: 'DRAFT',
      title: input.title,
      reference: input.reference,
      version: 1,
      firstAcademicYear: year(0),
      lastAcademicYear: year(2),
      homeUnit: { code: 'ENG-CENG' },
      partners: [{ institution: { id: partnerId }, unit: null }],
      homeSignedOn: null,
      partnerSignedOn: null,
    });
    expect(created.conditions).toEqual([
      {
        mobilityType: 'SMS',
        firstAcademicYear: year(0),
        lastAcademicYear: year(2),
        mobilitiesPerYear: 2,
        totalMonthsPerYear: 10,
        totalDaysPerYear: null,
        subjectAreas: [{ isced: '0613', clarification: null }],
        eqfLevels: [6, 7],
        languages: [{ language: 'en', cefr: 'B2' }],
        blended: false,
        sendingInstitution: { id: homeId },
        receivingInstitution: { id: partnerId },
      },
      expect.objectContaining({
        mobilitiesPerYear: 3,
        totalMonthsPerYear: 15,
        subjectAreas: [{ isced: '0714', clarification: null }],
        sendingInstitution: { id: partnerId },
        receivingInstitution: { id: homeId },
      }),
    ]);
    const read = await hub.request(AgreementByIdDocument, { id: created.id }, STAFF);
    expect(read.data!.agreement).toEqual(created);
  });

  it('refuses academic years out of order, naming the field (ACADEMIC_YEARS_OUT_OF_ORDER), and writes nothing', async () => {
    const before = await agreementCount();
    const reversed = await hub.request(AgreementCreateDocument, { input: iia(partnerId, { firstAcademicYear: year(2), lastAcademicYear: year(0), conditions: [] }) }, STAFF);
    expect(errorOf(reversed)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ACADEMIC_YEARS_OUT_OF_ORDER', field: 'lastAcademicYear' });
    const notAYear = await hub.request(AgreementCreateDocument, { input: iia(partnerId, { firstAcademicYear: '2026/2028', conditions: [] }) }, STAFF);
    expect(errorOf(notAYear)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ACADEMIC_YEARS_OUT_OF_ORDER', field: 'firstAcademicYear' });
    const conditionReversed = await hub.request(
      AgreementCreateDocument,
      { input: iia(partnerId, { conditions: [condition(homeId, partnerId, { firstAcademicYear: year(1), lastAcademicYear: year(0) })] }) },
      STAFF,
    );
    expect(errorOf(conditionReversed)).toMatchObject({ reason: 'ACADEMIC_YEARS_OUT_OF_ORDER', field: 'conditions.0.lastAcademicYear' });
    expect(await agreementCount()).toBe(before);
  });

  it("refuses a condition outside the agreement's years (CONDITION_OUTSIDE_AGREEMENT) and writes nothing", async () => {
    const before = await agreementCount();
    const input = iia();
    input.conditions = [input.conditions![0], condition(partnerId, homeId, { lastAcademicYear: year(3) })];
    const res = await hub.request(AgreementCreateDocument, { input }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONDITION_OUTSIDE_AGREEMENT', field: 'conditions.1' });
    expect(await agreementCount()).toBe(before);
  });

  it('refuses a condition whose institution is not a party to the agreement (CONDITION_PARTY_UNKNOWN) and writes nothing', async () => {
    const before = await agreementCount();
    const stranger = await newPartner('FR');
    const sending = await hub.request(AgreementCreateDocument, { input: iia(partnerId, { conditions: [condition(stranger, homeId)] }) }, STAFF);
    expect(errorOf(sending)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONDITION_PARTY_UNKNOWN', field: 'conditions.0.sendingInstitutionId' });
    const receiving = await hub.request(
      AgreementCreateDocument,
      { input: iia(partnerId, { conditions: [condition(homeId, partnerId), condition(homeId, stranger)] }) },
      STAFF,
    );
    expect(errorOf(receiving)).toMatchObject({ reason: 'CONDITION_PARTY_UNKNOWN', field: 'conditions.1.receivingInstitutionId' });
    expect(await agreementCount()).toBe(before);
  });

  it('refuses student mobility without months and staff mobility without days (CONDITION_DURATION) and writes nothing', async () => {
    const before = await agreementCount();
    const student = await hub.request(AgreementCreateDocument, { input: iia(partnerId, { conditions: [condition(homeId, partnerId, { totalMonthsPerYear: null })] }) }, STAFF);
    expect(errorOf(student)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONDITION_DURATION', field: 'conditions.0' });
    const staff = await hub.request(
      AgreementCreateDocument,
      { input: iia(partnerId, { conditions: [condition(homeId, partnerId), condition(homeId, partnerId, { mobilityType: 'STA', totalMonthsPerYear: 3 })] }) },
      STAFF,
    );
    expect(errorOf(staff)).toMatchObject({ reason: 'CONDITION_DURATION', field: 'conditions.1' });
    expect(await agreementCount()).toBe(before);
  });

  it('refuses the home institution listed as a partner (PARTNER_IS_HOME) and writes nothing', async () => {
    const before = await agreementCount();
    const res = await hub.request(AgreementCreateDocument, { input: iia(partnerId, { partners: [{ institutionId: homeId }], conditions: [] }) }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PARTNER_IS_HOME', field: 'partners.0.institutionId' });
    expect(await agreementCount()).toBe(before);
  });

  it('refuses a bad ISCED code, CEFR level or EQF level with VALIDATION_FAILED naming the field, and writes nothing', async () => {
    const before = await agreementCount();
    const cases: [Partial<CooperationConditionInput>, string][] = [
      [{ subjectAreas: [{ isced: '61X' }] }, 'conditions.0.subjectAreas.0.isced'],
      [{ subjectAreas: [{ isced: '06131' }] }, 'conditions.0.subjectAreas.0.isced'],
      [{ languages: [{ language: 'en', cefr: 'B3' }] }, 'conditions.0.languages.0.cefr'],
      [{ languages: [{ language: 'English' }] }, 'conditions.0.languages.0.language'],
      [{ eqfLevels: [6, 9] }, 'conditions.0.eqfLevels'],
      [{ eqfLevels: [4] }, 'conditions.0.eqfLevels'],
    ];
    for (const [bad, field] of cases) {
      const res = await hub.request(AgreementCreateDocument, { input: iia(partnerId, { conditions: [condition(homeId, partnerId, bad)] }) }, STAFF);
      expect({ bad, extensions: errorOf(res) }).toMatchObject({ bad, extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field } });
    }
    expect(await agreementCount()).toBe(before);
  });
});

describe('lifecycle', () => {
  it('goes DRAFT → IN_NEGOTIATION → SIGNED_BY_ONE → IN_EFFECT → TERMINATED', async () => {
    const created = await create(iia());
    const negotiating = await changeStatus(created.id, created.version, 'IN_NEGOTIATION');
    expect(negotiating).toMatchObject({ status: 'IN_NEGOTIATION', version: 2 });

    const home = await sign(created.id, 2, 'HOME', '2026-11-02');
    expect(home).toMatchObject({ status: 'SIGNED_BY_ONE', version: 3, homeSignatory: 'HOME Rector', homeSignedOn: '2026-11-02', partnerSignedOn: null });

    const both = await sign(created.id, 3, 'PARTNER', '2026-11-20');
    expect(both).toMatchObject({ status: 'IN_EFFECT', version: 4, homeSignedOn: '2026-11-02', partnerSignatory: 'PARTNER Rector', partnerSignedOn: '2026-11-20' });

    const before = today();
    const terminated = await changeStatus(created.id, 4, 'TERMINATED');
    expect(terminated).toMatchObject({ status: 'TERMINATED', version: 5 });
    expect([before, today()]).toContain(terminated.terminatedOn);
  });

  it('refuses invalid transitions with INVALID_TRANSITION listing the allowed next states', async () => {
    const draft = await create(iia());
    const expire = await hub.request(AgreementChangeStatusDocument, { id: draft.id, version: 1, status: 'EXPIRED' }, STAFF);
    expect(errorOf(expire)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'DRAFT', to: 'EXPIRED', allowed: ['IN_NEGOTIATION', 'TERMINATED'] });
    // A draft cannot be signed, so it is not pointed to signAgreement.
    const draftInEffect = await hub.request(AgreementChangeStatusDocument, { id: draft.id, version: 1, status: 'IN_EFFECT' }, STAFF);
    expect(errorOf(draftInEffect)).toMatchObject({ reason: 'INVALID_TRANSITION', allowed: ['IN_NEGOTIATION', 'TERMINATED'] });
    const signDraft = await hub.request(AgreementSignDocument, { input: { id: draft.id, version: 1, side: 'HOME', signatory: 'Rector', signedOn: '2026-11-02' } }, STAFF);
    expect(errorOf(signDraft)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'DRAFT', allowed: ['IN_NEGOTIATION', 'TERMINATED'] });

    const negotiating = await changeStatus(draft.id, 1, 'IN_NEGOTIATION');
    // Signing is its own mutation: changeAgreementStatus points to it.
    for (const status of ['IN_EFFECT', 'SIGNED_BY_ONE'] as const) {
      const res = await hub.request(AgreementChangeStatusDocument, { id: draft.id, version: negotiating.version, status }, STAFF);
      expect(errorOf(res)).toMatchObject({ reason: 'INVALID_TRANSITION', from: 'IN_NEGOTIATION', to: status, allowed: ['DRAFT', 'TERMINATED', 'signAgreement'] });
    }

    const inEffect = await sign(draft.id, (await sign(draft.id, negotiating.version, 'HOME')).version, 'PARTNER');
    const backToDraft = await hub.request(AgreementChangeStatusDocument, { id: draft.id, version: inEffect.version, status: 'DRAFT' }, STAFF);
    expect(errorOf(backToDraft)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'IN_EFFECT', to: 'DRAFT', allowed: ['EXPIRED', 'TERMINATED'] });

    const terminated = await changeStatus(draft.id, inEffect.version, 'TERMINATED');
    const revive = await hub.request(AgreementChangeStatusDocument, { id: draft.id, version: terminated.version, status: 'IN_NEGOTIATION' }, STAFF);
    expect(errorOf(revive)).toMatchObject({ reason: 'INVALID_TRANSITION', from: 'TERMINATED', allowed: [] });

    const read = await hub.request(AgreementByIdDocument, { id: draft.id }, STAFF);
    expect(read.data!.agreement).toMatchObject({ status: 'TERMINATED', version: terminated.version });
  });

  it('refuses to sign an Erasmus+ IIA without cooperation conditions (CONDITIONS_REQUIRED); other kinds may be signed', async () => {
    const bare = await create(iia(partnerId, { conditions: [] }));
    const negotiating = await changeStatus(bare.id, bare.version, 'IN_NEGOTIATION');
    const res = await hub.request(AgreementSignDocument, { input: { id: bare.id, version: negotiating.version, side: 'HOME', signatory: 'Rector', signedOn: '2026-11-02' } }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'CONDITIONS_REQUIRED', field: 'conditions' });
    expect((await hub.request(AgreementByIdDocument, { id: bare.id }, STAFF)).data!.agreement).toMatchObject({ status: 'IN_NEGOTIATION', homeSignedOn: null });

    const memorandum = await create(iia(partnerId, { kind: 'MEMORANDUM', conditions: [] }));
    const m = await changeStatus(memorandum.id, memorandum.version, 'IN_NEGOTIATION');
    expect((await sign(memorandum.id, m.version, 'HOME')).status).toBe('SIGNED_BY_ONE');
  });

  it('detects a concurrent edit through the version instead of overwriting it', async () => {
    const created = await create(iia());
    const first = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: 1, title: `First edit ${tag()}` } }, STAFF);
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateAgreement).toMatchObject({ version: 2 });

    const stale = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: 1, title: 'Second edit' } }, STAFF);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', expectedVersion: 1, currentVersion: 2 });
    const staleStatus = await hub.request(AgreementChangeStatusDocument, { id: created.id, version: 1, status: 'IN_NEGOTIATION' }, STAFF);
    expect(errorOf(staleStatus)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });

    const read = await hub.request(AgreementByIdDocument, { id: created.id }, STAFF);
    expect(read.data!.agreement).toMatchObject({ title: first.data!.updateAgreement.title, status: 'DRAFT', version: 2 });
  });

  it('locks an agreement in effect: content edits are refused with AGREEMENT_LOCKED, its internal note may change', async () => {
    const created = await create(iia());
    const inEffect = await putInEffect(created);
    const title = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: inEffect.version, title: 'Changed after signing' } }, STAFF);
    expect(errorOf(title)).toMatchObject({ code: 'CONFLICT', reason: 'AGREEMENT_LOCKED', status: 'IN_EFFECT' });
    const conditions = await hub.request(
      AgreementUpdateDocument,
      { input: { id: created.id, version: inEffect.version, conditions: [condition(homeId, partnerId, { mobilitiesPerYear: 9 })] } },
      STAFF,
    );
    expect(errorOf(conditions)).toMatchObject({ reason: 'AGREEMENT_LOCKED' });

    const note = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: inEffect.version, internalNote: 'Renewal talks in spring' } }, STAFF);
    expect(note.errors).toBeUndefined();
    expect(note.data!.updateAgreement).toMatchObject({ status: 'IN_EFFECT', version: inEffect.version + 1, title: created.title });
    const read = await hub.request(AgreementInternalNoteDocument, { id: created.id }, STAFF);
    expect(read.data!.agreement).toMatchObject({ title: created.title, internalNote: 'Renewal talks in spring' });
  });

  it('returns an agreement signed by one side to IN_NEGOTIATION when edited, withdrawing the signature', async () => {
    const created = await create(iia());
    const negotiating = await changeStatus(created.id, created.version, 'IN_NEGOTIATION');
    const signed = await sign(created.id, negotiating.version, 'HOME');
    expect(signed.status).toBe('SIGNED_BY_ONE');

    const input = iia();
    input.conditions![0].mobilitiesPerYear = 5;
    const edited = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: signed.version, conditions: input.conditions } }, STAFF);
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updateAgreement).toMatchObject({ status: 'IN_NEGOTIATION', version: signed.version + 1, homeSignatory: null, homeSignedOn: null });
    expect(edited.data!.updateAgreement.conditions.map((c) => c.mobilitiesPerYear)).toEqual([5, 3]);

    // Both sides sign the new text again.
    const again = await sign(created.id, signed.version + 1, 'PARTNER');
    expect(again).toMatchObject({ status: 'SIGNED_BY_ONE', homeSignedOn: null, partnerSignatory: 'PARTNER Rector' });
  });

  it('replaces the partners (keeping those that stay) and re-checks the conditions against them', async () => {
    const second = await newPartner('IT');
    const created = await create(iia());
    const withBoth = await hub.request(
      AgreementUpdateDocument,
      { input: { id: created.id, version: 1, partners: [{ institutionId: partnerId }, { institutionId: second }] } },
      STAFF,
    );
    expect(withBoth.errors).toBeUndefined();
    expect(withBoth.data!.updateAgreement.partners.map((p) => p.institution.id).sort()).toEqual([partnerId, second].sort());

    // Dropping the partner the conditions name is refused: the conditions would name a stranger.
    const dropped = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: 2, partners: [{ institutionId: second }] } }, STAFF);
    expect(errorOf(dropped)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONDITION_PARTY_UNKNOWN', field: 'conditions.0.receivingInstitutionId' });
    const read = await hub.request(AgreementByIdDocument, { id: created.id }, STAFF);
    expect(read.data!.agreement!.partners).toHaveLength(2);
    expect(read.data!.agreement!.version).toBe(2);

    // A partner listed twice is one partner.
    const twice = await create(iia(partnerId, { partners: [{ institutionId: partnerId }, { institutionId: partnerId }] }));
    expect(twice.partners.map((p) => p.institution.id)).toEqual([partnerId]);
  });
});

describe('revisions', () => {
  it('lists every revision newest first with the paths each changed, and what changed since version 1', async () => {
    const created = await create(iia(partnerId, { title: `Before ${tag()}` }));
    const renamed = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: 1, title: `After ${tag()}` } }, STAFF);
    expect(renamed.data!.updateAgreement.version).toBe(2);

    const input = iia();
    input.conditions![0].mobilitiesPerYear = 4;
    const requota = await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: 2, conditions: input.conditions } }, STAFF);
    expect(requota.errors).toBeUndefined();
    expect(requota.data!.updateAgreement.version).toBe(3);
    await changeStatus(created.id, 3, 'IN_NEGOTIATION');

    const history = await hub.request(AgreementHistoryDocument, { id: created.id, since: 1 }, STAFF);
    expect(history.errors).toBeUndefined();
    const { revisions, changesSince } = history.data!.agreement!;
    expect(revisions.map((r) => r.version)).toEqual([4, 3, 2, 1]);
    expect(revisions.map((r) => r.changes.map((c) => c.path))).toEqual([['status'], ['conditions.0.mobilitiesPerYear'], ['title'], []]);
    expect(revisions[0].changes[0]).toEqual({ path: 'status', from: '"DRAFT"', to: '"IN_NEGOTIATION"' });
    expect(revisions[1].changes[0]).toEqual({ path: 'conditions.0.mobilitiesPerYear', from: '2', to: '4' });
    expect(revisions[2].changes[0]).toEqual({ path: 'title', from: JSON.stringify(created.title), to: JSON.stringify(renamed.data!.updateAgreement.title) });
    expect(revisions.every((r) => r.actor === 'test-staff')).toBe(true);

    expect(changesSince.map((c) => c.path).sort()).toEqual(['conditions.0.mobilitiesPerYear', 'status', 'title']);
    expect(changesSince.find((c) => c.path === 'status')).toEqual({ path: 'status', from: '"DRAFT"', to: '"IN_NEGOTIATION"' });

    const latest = await hub.request(AgreementHistoryDocument, { id: created.id, since: 4 }, STAFF);
    expect(latest.data!.agreement!.changesSince).toEqual([]);
    const unknown = await hub.request(AgreementHistoryDocument, { id: created.id, since: 99 }, STAFF);
    expect(errorOf(unknown)).toMatchObject({ code: 'NOT_FOUND', reason: 'REVISION_NOT_FOUND' });
  });
});

describe('filters', () => {
  // A data set of our own: partners nobody else uses, years relative to today.
  let pf1: string;
  let pf2: string;
  const a: Record<'A1' | 'A2' | 'A3' | 'A4', string> = { A1: '', A2: '', A3: '', A4: '' };
  const mine = (ids: string[]) => Object.entries(a).filter(([, id]) => ids.includes(id)).map(([name]) => name).sort();
  const filtered = async (filter: AgreementFilter) => mine(await idsMatching(filter));

  beforeAll(async () => {
    pf1 = await newPartner('PL');
    pf2 = await newPartner('PT');
    // A1: IIA of ENG-CENG with PF1, in effect, SMS 0613 out and STA 0714 in, for this year and the next two.
    const a1 = await create(
      iia(pf1, {
        homeUnitId: units.get('ENG-CENG'),
        conditions: [
          condition(homeId, pf1),
          condition(pf1, homeId, { mobilityType: 'STA', totalMonthsPerYear: null, totalDaysPerYear: 5, subjectAreas: [{ isced: '0714' }] }),
        ],
      }),
    );
    a.A1 = (await putInEffect(a1)).id;
    // A2: bilateral draft of SCI with PF2, years 4–5 from now, no conditions.
    a.A2 = (await create({ kind: 'BILATERAL', title: `A2 ${tag()}`, homeUnitId: units.get('SCI'), partners: [{ institutionId: pf2 }], firstAcademicYear: year(4), lastAcademicYear: year(5) })).id;
    // A3: memorandum of ENG with PF1 and PF2, this academic year only (it ends on the coming 31 August), in effect.
    const a3 = await create({
      kind: 'MEMORANDUM',
      title: `A3 ${tag()}`,
      homeUnitId: units.get('ENG'),
      partners: [{ institutionId: pf1 }, { institutionId: pf2 }],
      firstAcademicYear: year(0),
      lastAcademicYear: year(0),
      conditions: [condition(homeId, pf2, { mobilityType: 'SMT', lastAcademicYear: year(0), totalMonthsPerYear: 4, subjectAreas: [{ isced: '0421' }] })],
    });
    a.A3 = (await putInEffect(a3)).id;
    // A4: university-wide IIA with PF2 in negotiation, years 0–3, a condition for next year only.
    const a4 = await create(
      iia(pf2, { lastAcademicYear: year(3), conditions: [condition(pf2, homeId, { firstAcademicYear: year(1), lastAcademicYear: year(1), subjectAreas: [{ isced: '0714' }] })] }),
    );
    a.A4 = (await changeStatus(a4.id, a4.version, 'IN_NEGOTIATION')).id;
  });

  it('filters by kinds and statuses', async () => {
    expect(await filtered({ kinds: ['ERASMUS_IIA'] })).toEqual(['A1', 'A4']);
    expect(await filtered({ kinds: ['BILATERAL', 'MEMORANDUM'] })).toEqual(['A2', 'A3']);
    expect(await filtered({ statuses: ['IN_EFFECT'] })).toEqual(['A1', 'A3']);
    expect(await filtered({ statuses: ['DRAFT', 'IN_NEGOTIATION'] })).toEqual(['A2', 'A4']);
  });

  it('filters by partner, exactly', async () => {
    expect((await idsMatching({ partnerId: pf1 })).sort()).toEqual([a.A1, a.A3].sort());
    expect((await idsMatching({ partnerId: pf2 })).sort()).toEqual([a.A2, a.A3, a.A4].sort());
  });

  it('filters by home unit, sub-units included', async () => {
    expect(await filtered({ homeUnitId: units.get('ENG') })).toEqual(['A1', 'A3']);
    expect(await filtered({ homeUnitId: units.get('ENG-CENG') })).toEqual(['A1']);
    expect(await filtered({ homeUnitId: units.get('SCI') })).toEqual(['A2']);
  });

  it('filters by academic year covered', async () => {
    expect(await filtered({ academicYear: year(0) })).toEqual(['A1', 'A3', 'A4']);
    expect(await filtered({ academicYear: year(3) })).toEqual(['A4']);
    expect(await filtered({ academicYear: year(4) })).toEqual(['A2']);
  });

  it('filters by mobility type, listing an agreement once however many of its conditions match', async () => {
    expect(await filtered({ mobilityTypes: ['STA'] })).toEqual(['A1']);
    expect(await filtered({ mobilityTypes: ['SMT'] })).toEqual(['A3']);
    expect(await filtered({ mobilityTypes: ['SMS'] })).toEqual(['A1', 'A4']);
    const both = await hub.request(AgreementListDocument, { first: 10, filter: { partnerId: pf1, mobilityTypes: ['SMS', 'STA'] } }, STAFF);
    expect(both.data!.agreements.nodes.map((n) => n.id)).toEqual([a.A1]);
    expect(both.data!.agreements.totalCount).toBe(1);
  });

  it('filters by ISCED code or prefix: 06 matches 0613', async () => {
    expect(await filtered({ isced: '06' })).toEqual(['A1']);
    expect(await filtered({ isced: '0613' })).toEqual(['A1']);
    expect(await filtered({ isced: '07' })).toEqual(['A1', 'A4']);
    expect(await filtered({ isced: '04' })).toEqual(['A3']);
    expect(await filtered({ isced: '0612' })).toEqual([]);
  });

  it('filters agreements in effect whose last academic year ends within N days', async () => {
    const ends = new Date(`${academicYearEnd(year(0))}T00:00:00Z`).getTime();
    const days = Math.round((ends - Date.parse(`${today()}T00:00:00Z`)) / 86_400_000);
    expect(await filtered({ expiringWithinDays: days + 3 })).toEqual(['A3']);
    expect(await filtered({ expiringWithinDays: Math.max(days - 3, 0) })).toEqual([]);
    // A1 ends two years later.
    expect(await filtered({ expiringWithinDays: days + 365 * 2 + 3 })).toEqual(['A1', 'A3']);
  });

  it('filters agreements covering a year without a cooperation condition for it', async () => {
    expect(await filtered({ withoutConditionsFor: year(0) })).toEqual(['A4']);
    expect(await filtered({ withoutConditionsFor: year(1) })).toEqual([]);
    expect(await filtered({ withoutConditionsFor: year(4) })).toEqual(['A2']);
  });

  it('combines filters', async () => {
    expect(await filtered({ kinds: ['ERASMUS_IIA'], statuses: ['IN_EFFECT'], isced: '07', academicYear: year(2) })).toEqual(['A1']);
  });
});

describe('quota totals', () => {
  it('sums mobilities, months and days of agreements in effect for an academic year, by partner, ISCED field and mobility type', async () => {
    // A year far enough ahead that only this test's agreements count in it; totals are compared before and after.
    const quotaYear = year(14);
    const totals = async (groupBy: QuotaGrouping) => {
      const res = await hub.request(AgreementQuotaTotalsDocument, { academicYear: quotaYear, groupBy }, STAFF);
      expect(res.errors).toBeUndefined();
      return new Map(res.data!.agreementQuotaTotals.map((t) => [t.key, t]));
    };
    const before = { isced: await totals('ISCED'), type: await totals('MOBILITY_TYPE') };
    const pq1 = await newPartner('SE');
    const pq2 = await newPartner('FI');
    const years = { firstAcademicYear: quotaYear, lastAcademicYear: quotaYear };
    const q1 = await create(
      iia(pq1, {
        ...years,
        conditions: [
          condition(homeId, pq1, { ...years, mobilitiesPerYear: 2, totalMonthsPerYear: 10 }),
          condition(pq1, homeId, { ...years, mobilitiesPerYear: 3, totalMonthsPerYear: 15.5 }),
          condition(homeId, pq1, { ...years, mobilityType: 'STA', mobilitiesPerYear: 1, totalMonthsPerYear: null, totalDaysPerYear: 5, subjectAreas: [{ isced: '0714' }] }),
        ],
      }),
    );
    await putInEffect(q1);
    const q2 = await create(iia(pq2, { ...years, conditions: [condition(homeId, pq2, { ...years, mobilitiesPerYear: 4, totalMonthsPerYear: 20 })] }));
    await putInEffect(q2);
    // Not in effect: not counted.
    await create(iia(pq1, { ...years, conditions: [condition(homeId, pq1, { ...years, mobilitiesPerYear: 100, totalMonthsPerYear: 500 })] }));

    const byPartner = await totals('PARTNER');
    expect(byPartner.get(pq1)).toEqual({ key: pq1, label: expect.stringContaining('Partner University'), mobilities: 6, months: 25.5, days: 5, agreements: 1 });
    expect(byPartner.get(pq2)).toEqual({ key: pq2, label: expect.stringContaining('Partner University'), mobilities: 4, months: 20, days: 0, agreements: 1 });

    const delta = (now: Map<string, { mobilities: number; months: number; days: number; agreements: number }>, was: typeof now, key: string) => {
      const n = now.get(key);
      const w = was.get(key) ?? { mobilities: 0, months: 0, days: 0, agreements: 0 };
      return n && { mobilities: n.mobilities - w.mobilities, months: n.months - w.months, days: n.days - w.days, agreements: n.agreements - w.agreements };
    };
    const isced = await totals('ISCED');
    expect(delta(isced, before.isced, '0613')).toEqual({ mobilities: 9, months: 45.5, days: 0, agreements: 2 });
    expect(delta(isced, before.isced, '0714')).toEqual({ mobilities: 1, months: 0, days: 5, agreements: 1 });
    const type = await totals('MOBILITY_TYPE');
    expect(delta(type, before.type, 'SMS')).toEqual({ mobilities: 9, months: 45.5, days: 0, agreements: 2 });
    expect(delta(type, before.type, 'STA')).toEqual({ mobilities: 1, months: 0, days: 5, agreements: 1 });

    const coordinator = await hub.request(AgreementQuotaTotalsDocument, { academicYear: quotaYear, groupBy: 'PARTNER' }, coordinatorOfEng);
    expect(errorOf(coordinator).code).toBe('FORBIDDEN');
  });
});

describe('access', () => {
  it('refuses agreements to visitors (UNAUTHENTICATED) and applicants (FORBIDDEN)', async () => {
    const created = await create(iia());
    for (const [who, code] of [[undefined, 'UNAUTHENTICATED'], [APPLICANT, 'FORBIDDEN']] as const) {
      const list = await hub.request(AgreementListDocument, { first: 5 }, who);
      expect(list.data).toBeNull();
      expect(errorOf(list).code).toBe(code);
      const one = await hub.request(AgreementByIdDocument, { id: created.id }, who);
      expect(errorOf(one).code).toBe(code);
    }
  });

  it('shows a coordinator of ENG the agreements of ENG, of ENG-CENG and university-wide ones, not those of SCI', async () => {
    const pc = await newPartner('CZ');
    const c = {
      eng: (await create(iia(pc, { homeUnitId: units.get('ENG') }))).id,
      ceng: (await create(iia(pc, { homeUnitId: units.get('ENG-CENG') }))).id,
      wide: (await create(iia(pc))).id,
      sci: (await create(iia(pc, { homeUnitId: units.get('SCI') }))).id,
    };
    expect((await idsMatching({ partnerId: pc }, coordinatorOfEng)).sort()).toEqual([c.eng, c.ceng, c.wide].sort());
    expect((await idsMatching({ partnerId: pc })).sort()).toEqual(Object.values(c).sort());

    const own = await hub.request(AgreementByIdDocument, { id: c.ceng }, coordinatorOfEng);
    expect(own.data!.agreement).toMatchObject({ id: c.ceng, homeUnit: { code: 'ENG-CENG' } });
    expect((await hub.request(AgreementByIdDocument, { id: c.sci }, coordinatorOfEng)).data!.agreement).toBeNull();
    expect((await hub.request(AgreementNodeDocument, { id: c.sci }, coordinatorOfEng)).data!.node).toBeNull();
    expect((await hub.request(AgreementNodeDocument, { id: c.wide }, coordinatorOfEng)).data!.node).toMatchObject({ __typename: 'Agreement', id: c.wide });

    const coordinatorOfPhysics = { role: 'COORDINATOR' as const, units: [uuidOf(units.get('SCI-PHYS')!)] };
    expect((await idsMatching({ partnerId: pc }, coordinatorOfPhysics)).sort()).toEqual([c.wide]);
  });

  it('refuses agreement changes to coordinators (FORBIDDEN) and changes nothing', async () => {
    const created = await create(iia(partnerId, { homeUnitId: units.get('ENG') }));
    const attempts = [
      await hub.request(AgreementCreateDocument, { input: iia(partnerId, { homeUnitId: units.get('ENG') }) }, coordinatorOfEng),
      await hub.request(AgreementUpdateDocument, { input: { id: created.id, version: 1, title: 'By the coordinator' } }, coordinatorOfEng),
      await hub.request(AgreementChangeStatusDocument, { id: created.id, version: 1, status: 'IN_NEGOTIATION' }, coordinatorOfEng),
      await hub.request(AgreementSignDocument, { input: { id: created.id, version: 1, side: 'HOME', signatory: 'Dean', signedOn: '2026-11-02' } }, coordinatorOfEng),
    ];
    for (const res of attempts) expect(errorOf(res).code).toBe('FORBIDDEN');
    const read = await hub.request(AgreementByIdDocument, { id: created.id }, STAFF);
    expect(read.data!.agreement).toMatchObject({ title: created.title, status: 'DRAFT', version: 1 });
  });

  it("resolves an agreement's internalNote for the office only (FORBIDDEN for coordinators)", async () => {
    const created = await create(iia(partnerId, { homeUnitId: units.get('ENG'), internalNote: 'Partner slow to nominate' }));
    const asCoordinator = await hub.request(AgreementInternalNoteDocument, { id: created.id }, coordinatorOfEng);
    expect(asCoordinator.data!.agreement).toMatchObject({ id: created.id, title: created.title, internalNote: null });
    expect(asCoordinator.errors![0]).toMatchObject({ path: ['agreement', 'internalNote'], extensions: { code: 'FORBIDDEN' } });
    const asStaff = await hub.request(AgreementInternalNoteDocument, { id: created.id }, STAFF);
    expect(asStaff.errors).toBeUndefined();
    expect(asStaff.data!.agreement!.internalNote).toBe('Partner slow to nominate');
  });

  it('answers node(id) of an agreement with null for visitors and applicants, and the agreement for the office', async () => {
    const created = await create(iia());
    expect((await hub.request(AgreementNodeDocument, { id: created.id })).data!.node).toBeNull();
    expect((await hub.request(AgreementNodeDocument, { id: created.id }, APPLICANT)).data!.node).toBeNull();
    expect((await hub.request(AgreementNodeDocument, { id: created.id }, STAFF)).data!.node).toEqual({ __typename: 'Agreement', id: created.id, title: created.title });
  });
});

describe('agreementStatusChanged subscription', () => {
  type Sub = ReturnType<typeof subscribe<AgreementStatusChangedSubscription, Record<string, never>>>;
  /** The next event about one agreement (events of other agreements are skipped). */
  async function nextFor(sub: Sub, agreementId: string) {
    const event = await sub.nextWhere((r) => r.errors !== undefined || r.data?.agreementStatusChanged.agreementId === agreementId);
    expect(event.errors).toBeUndefined();
    return event.data!.agreementStatusChanged;
  }
  async function listening(n: number) {
    await waitFor(() => hub.hub.dispatcher.listenerCount >= n, 5000, 'the subscriptions to register');
  }
  const open: Sub[] = [];
  const follow = async (as: Identity) => {
    const sub = subscribe(await hub.ws(as), AgreementStatusChangedDocument, {});
    open.push(sub);
    return sub;
  };
  afterEach(async () => {
    open.splice(0).forEach((sub) => sub.dispose());
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
  });

  it('delivers each status change to the office with from and to, the agreement read fresh', async () => {
    const sub = await follow(STAFF);
    await listening(1);
    const created = await create(iia());
    const id = created.id;
    let version = (await changeStatus(id, 1, 'IN_NEGOTIATION')).version;
    expect(await nextFor(sub, id)).toMatchObject({ from: 'DRAFT', to: 'IN_NEGOTIATION', version, actor: 'test-staff', agreement: { id, status: 'IN_NEGOTIATION' } });
    version = (await sign(id, version, 'HOME')).version;
    expect(await nextFor(sub, id)).toMatchObject({ from: 'IN_NEGOTIATION', to: 'SIGNED_BY_ONE', version });
    // An edit that withdraws the signature is a status change too.
    version = (await hub.request(AgreementUpdateDocument, { input: { id, version, title: `Edited ${tag()}` } }, STAFF)).data!.updateAgreement.version;
    expect(await nextFor(sub, id)).toMatchObject({ from: 'SIGNED_BY_ONE', to: 'IN_NEGOTIATION', version });
    version = (await sign(id, version, 'HOME')).version;
    expect(await nextFor(sub, id)).toMatchObject({ from: 'IN_NEGOTIATION', to: 'SIGNED_BY_ONE', version });
    version = (await sign(id, version, 'PARTNER')).version;
    expect(await nextFor(sub, id)).toMatchObject({ from: 'SIGNED_BY_ONE', to: 'IN_EFFECT', version, agreement: { status: 'IN_EFFECT' } });
    version = (await changeStatus(id, version, 'TERMINATED')).version;
    expect(await nextFor(sub, id)).toMatchObject({ from: 'IN_EFFECT', to: 'TERMINATED', version, agreement: { status: 'TERMINATED' } });
    // A plain edit (no status change) is not delivered.
    const other = await create(iia());
    await hub.request(AgreementUpdateDocument, { input: { id: other.id, version: 1, title: `Quiet ${tag()}` } }, STAFF);
    expect(await sub.nothingWithin(300)).toBe(true);
  });

  it('gives a coordinator of ENG the changes of ENG agreements, not those of SCI ones', async () => {
    const sci = await create(iia(partnerId, { homeUnitId: units.get('SCI') }));
    const ceng = await create(iia(partnerId, { homeUnitId: units.get('ENG-CENG') }));
    const sub = await follow(coordinatorOfEng);
    await listening(1);
    await changeStatus(sci.id, 1, 'IN_NEGOTIATION');
    await changeStatus(ceng.id, 1, 'IN_NEGOTIATION');
    const event = await sub.next();
    expect(event.data!.agreementStatusChanged).toMatchObject({ agreementId: ceng.id, from: 'DRAFT', to: 'IN_NEGOTIATION', actor: null, agreement: { id: ceng.id } });
    expect(await sub.nothingWithin(300)).toBe(true);
  });

  it('refuses the subscription to visitors and applicants', async () => {
    for (const who of [undefined, APPLICANT]) {
      const ws = await hub.ws(who);
      const sub = subscribe(ws, AgreementStatusChangedDocument, {});
      await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
      const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
      expect(errors[0].extensions!.code).toBe(who ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
    expect(hub.hub.dispatcher.listenerCount).toBe(0);
  });
});

describe('statement count', () => {
  it('runs a number of SQL statements independent of the page size for agreements(first: 2) and (first: 10) with partners and conditions', async () => {
    // At least ten agreements (every agreement has a partner; most of this file's have conditions).
    while ((await agreementCount()) < 12) await create(iia(await newPartner('HU')));
    const small = await hub.request(AgreementListWithPartiesDocument, { first: 2 }, STAFF);
    const large = await hub.request(AgreementListWithPartiesDocument, { first: 10 }, STAFF);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.agreements.nodes).toHaveLength(10);
    expect(large.data!.agreements.nodes.every((n) => n.partners.length > 0 && n.partners.every((p) => p.institution.name))).toBe(true);
    expect(large.data!.agreements.nodes.some((n) => n.conditions.some((c) => c.sendingInstitution.name))).toBe(true);
    // The page, the partners, the conditions, and their institutions: whatever the page size. The institutions of
    // partners and of conditions are asked for after two different queries return, so DataLoader batches them into
    // one statement or two depending on when those answers arrive (timing, not rows): an N+1 would add eight.
    const statements = { small: small.extensions!.sqlStatements!, large: large.extensions!.sqlStatements! };
    expect(statements.small).toBeGreaterThan(0);
    expect(Math.abs(statements.large - statements.small)).toBeLessThanOrEqual(1);
  });
});
