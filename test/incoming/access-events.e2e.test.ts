/**
 * Who reads what of an incoming mobility (the nominee their own; the host unit's coordinators and those above; the
 * office everything; nobody else anything), the lists and their scopes, the office's note, and the live status events
 * with their catch-up after a reconnect, scoped the same way.
 */
import {
  IncEventsDocument,
  IncWithdrawDocument,
  IncMineDocument,
  IncMobilitiesDocument,
  IncMobilitiesFullDocument,
  IncMobilityDocument,
  IncNodeDocument,
  IncSetOfficeNoteDocument,
  IncStatusChangedDocument,
  type IncEventFieldsFragment,
  type IncStatusChangedSubscription,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import {
  applicant,
  applied,
  claimed,
  coordinator,
  decide,
  errorOf,
  nominate,
  nominationInput,
  OFFICE,
  ok,
  partnerWithAgreement,
  read,
  unitGlobalId,
  YEAR,
  type Partner,
} from './intake.support';

let hub: TestHub;
let partner: Partner;
beforeAll(async () => {
  hub = await startTestHub();
  partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 100 }, { receivingUnit: 'SCI-PHYS', isced: ['0533'], mobilitiesPerYear: 100 }] });
});
afterAll(async () => {
  await hub.close();
});

describe('reading one', () => {
  it('gives the office everything, the host unit’s coordinators (and the faculty’s) the mobility, the nominee their own, nobody else anything', async () => {
    const { mobility, nominee } = await claimed(hub, partner);
    ok(await hub.request(IncSetOfficeNoteDocument, { id: mobility.id, version: mobility.version, note: 'Called the partner on 3 Oct' }, OFFICE));
    const asOffice = await read(hub, mobility.id);
    expect(asOffice).toMatchObject({ officeNote: 'Called the partner on 3 Oct', invitationPending: false, nominationIssues: [], agreement: { id: partner.agreementId } });

    for (const code of ['ENG-CENG', 'ENG']) {
      const host = await read(hub, mobility.id, await coordinator(hub, code));
      expect({ code, host }).toMatchObject({ code, host: { number: mobility.number, officeNote: null, invitationPending: null, nominationIssues: [], agreement: { id: partner.agreementId } } });
      expect(host.nominee.email).toBe(mobility.nominee.email);
    }
    const own = await read(hub, mobility.id, nominee);
    expect(own).toMatchObject({ number: mobility.number, officeNote: null, invitationPending: null, nominationIssues: null, agreement: null });
    expect(own.history[0]).toMatchObject({ to: 'NOMINATED', actor: 'office' });

    for (const stranger of [await coordinator(hub, 'SCI'), await coordinator(hub, 'SCI-PHYS'), applicant(), undefined] as (Identity | undefined)[]) {
      expect(ok(await hub.request(IncMobilityDocument, { id: mobility.id }, stranger)).incomingMobility).toBeNull();
      expect(ok(await hub.request(IncNodeDocument, { id: mobility.id }, stranger)).node).toBeNull();
    }
    expect(ok(await hub.request(IncNodeDocument, { id: mobility.id }, nominee)).node).toMatchObject({ number: mobility.number });
  });

  it('keeps the office note the office’s, and never shows the invitation code after creation', async () => {
    const { mobility } = await nominate(hub, await nominationInput(hub, partner));
    expect(errorOf(await hub.request(IncSetOfficeNoteDocument, { id: mobility.id, version: mobility.version, note: 'x' }, await coordinator(hub, 'ENG')))).toMatchObject({ code: 'FORBIDDEN' });
    const fields = await hub.raw({ query: '{ __type(name: "IncomingMobility") { fields { name } } }' });
    const names = ((fields.data as unknown as { __type: { fields: { name: string }[] } }).__type.fields ?? []).map((f) => f.name);
    expect(names).toContain('invitationPending');
    expect(names.filter((n) => /invitationCode|Hash/i.test(n))).toEqual([]);
  });
});

describe('lists', () => {
  it('scope the office to all, a coordinator to their units, a nominee to their own; anonymous must sign in', async () => {
    const eng = await claimed(hub, partner);
    const phys = (await nominate(hub, await nominationInput(hub, partner, { hostUnitId: await unitGlobalId(hub, 'SCI-PHYS'), iscedCode: '0533' }))).mobility;
    const filter = { sendingInstitutionId: partner.id };
    const ids = async (as: Identity) => ok(await hub.request(IncMobilitiesDocument, { filter, first: 100 }, as)).incomingMobilities.edges.map((e) => e.node.id);
    expect(await ids(OFFICE)).toEqual(expect.arrayContaining([eng.mobility.id, phys.id]));
    const forEng = await ids(await coordinator(hub, 'ENG'));
    expect(forEng).toContain(eng.mobility.id);
    expect(forEng).not.toContain(phys.id);
    const forSci = await ids(await coordinator(hub, 'SCI'));
    expect(forSci).toContain(phys.id);
    expect(forSci).not.toContain(eng.mobility.id);
    expect(await ids(eng.nominee)).toEqual([eng.mobility.id]);
    expect(await ids(applicant())).toEqual([]);
    expect(errorOf(await hub.request(IncMobilitiesDocument, { filter }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(ok(await hub.request(IncMineDocument, {}, eng.nominee)).myIncomingMobilities.map((m) => m.id)).toEqual([eng.mobility.id]);
  });

  it('filter by year, status, unit and type, and page with cursors', async () => {
    const own = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 100 }] });
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await nominate(hub, await nominationInput(hub, own))).mobility);
    const one = await applied(hub, own);
    const filter = { sendingInstitutionId: own.id, academicYear: YEAR };
    const page1 = ok(await hub.request(IncMobilitiesDocument, { filter, first: 4 }, OFFICE)).incomingMobilities;
    expect(page1).toMatchObject({ totalCount: 6, pageInfo: { hasNextPage: true } });
    const page2 = ok(await hub.request(IncMobilitiesDocument, { filter, first: 4, after: page1.pageInfo.endCursor }, OFFICE)).incomingMobilities;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const all = [...page1.edges, ...page2.edges].map((e) => e.node.number);
    expect(all).toEqual([...made.map((m) => m.number), one.mobility.number].sort());
    const appliedOnly = ok(await hub.request(IncMobilitiesDocument, { filter: { ...filter, statuses: ['APPLIED'] } }, OFFICE)).incomingMobilities;
    expect(appliedOnly.edges.map((e) => e.node.id)).toEqual([one.mobility.id]);
    const byUnit = ok(await hub.request(IncMobilitiesDocument, { filter: { ...filter, hostUnitId: await unitGlobalId(hub, 'ENG') } }, OFFICE)).incomingMobilities;
    expect(byUnit.totalCount).toBe(6);
    const staff = ok(await hub.request(IncMobilitiesDocument, { filter: { ...filter, mobilityTypes: ['STA', 'STT'] } }, OFFICE)).incomingMobilities;
    expect(staff.totalCount).toBe(0);
    const otherYear = ok(await hub.request(IncMobilitiesDocument, { filter: { ...filter, academicYear: '2031/2032' } }, OFFICE)).incomingMobilities;
    expect(otherYear.totalCount).toBe(0);
  });

  it('read every field of a page with as many SQL statements for six rows as for one', async () => {
    const own = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 100 }] });
    for (let i = 0; i < 5; i++) await applied(hub, own);
    const single = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 100 }] });
    await applied(hub, single);
    const statements = async (p: Partner, as: Identity) => {
      const res = await hub.request(IncMobilitiesFullDocument, { filter: { sendingInstitutionId: p.id }, first: 10 }, as);
      expect(ok(res).incomingMobilities.nodes.length).toBeGreaterThan(0);
      return res.extensions!.sqlStatements!;
    };
    for (const as of [OFFICE, await coordinator(hub, 'ENG')]) {
      expect(await statements(own, as)).toBe(await statements(single, as));
    }
  });
});

describe('live status events', () => {
  type Sub = ReturnType<typeof subscribe<IncStatusChangedSubscription, { mobilityId?: string; academicYear?: string }>>;
  const open: Sub[] = [];
  afterEach(async () => {
    open.splice(0).forEach((s) => s.dispose());
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
  });
  async function follow(identity: Identity | undefined, variables: { mobilityId?: string; academicYear?: string } = {}): Promise<Sub> {
    const sub = subscribe(await hub.ws(identity), IncStatusChangedDocument, variables);
    open.push(sub);
    return sub;
  }
  const listening = (n: number) => waitFor(() => hub.hub.dispatcher.listenerCount >= n, 5000, 'the subscriptions to register');
  async function refusal(sub: Sub) {
    await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
    const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string; reason?: string } }[];
    expect(Array.isArray(errors)).toBe(true);
    return errors[0].extensions!;
  }
  const about = (sub: Sub, id: string) => sub.results.filter((r) => r.data?.incomingStatusChanged.mobilityId === id).map((r) => r.data!.incomingStatusChanged);

  it('refuses a mobility one may not read with FORBIDDEN, and anonymous with UNAUTHENTICATED', async () => {
    const { mobility } = await claimed(hub, partner);
    expect(await refusal(await follow(applicant(), { mobilityId: mobility.id }))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(await refusal(await follow(await coordinator(hub, 'SCI'), { mobilityId: mobility.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(await follow(undefined))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(await follow(undefined, { mobilityId: mobility.id }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(hub.hub.dispatcher.listenerCount).toBe(0);
  });

  it('tells the nominee, the host unit’s coordinators and the office, each only what they may read', async () => {
    const { mobility: eng, nominee } = await claimed(hub, partner);
    const physInput = async (sub: string) => nominationInput(hub, partner, { hostUnitId: await unitGlobalId(hub, 'SCI-PHYS'), iscedCode: '0533', nomineeSubject: sub });
    const physA = (await nominate(hub, await physInput(applicant().sub))).mobility;
    const physB = (await nominate(hub, await physInput(applicant().sub))).mobility;
    const stranger = applicant();

    const office = await follow(OFFICE, { academicYear: YEAR });
    const own = await follow(nominee, { mobilityId: eng.id });
    const engCoordinator = await follow(await coordinator(hub, 'ENG'));
    const sciCoordinator = await follow(await coordinator(hub, 'SCI'));
    const strangerSub = await follow(stranger);
    await listening(5);

    // In this order: whoever hears a later event without an earlier one never heard the earlier one.
    ok(await decide(hub, physA, 'REJECT', 'No places left in physics'));
    ok(await hub.request(IncWithdrawDocument, { id: eng.id, version: eng.version, reason: 'Changed plans' }, nominee));
    ok(await decide(hub, physB, 'REJECT', 'Language level'));
    const strangers = (await nominate(hub, await nominationInput(hub, partner, { nomineeSubject: stranger.sub }))).mobility;

    const seen = await office.nextWhere((r) => r.data?.incomingStatusChanged.mobilityId === strangers.id);
    expect(seen.data!.incomingStatusChanged).toMatchObject({ from: null, to: 'NOMINATED', academicYear: YEAR, mobilityType: 'SMS', number: strangers.number });
    expect(about(office, physA.id).map((e) => [e.from, e.to, e.reason])).toEqual([['NOMINATED', 'REJECTED', 'No places left in physics']]);
    expect(about(office, eng.id).map((e) => [e.from, e.to, e.reason])).toEqual([['NOMINATED', 'WITHDRAWN', 'Changed plans']]);

    const mine = (await own.nextWhere((r) => r.data?.incomingStatusChanged.mobilityId === eng.id)).data!.incomingStatusChanged;
    expect(mine).toMatchObject({ from: 'NOMINATED', to: 'WITHDRAWN', reason: 'Changed plans', number: eng.number, mobility: { id: eng.id, status: 'WITHDRAWN' } });
    expect(own.results).toHaveLength(1);

    await engCoordinator.nextWhere((r) => r.data?.incomingStatusChanged.mobilityId === eng.id);
    expect(about(engCoordinator, physA.id)).toEqual([]);

    await sciCoordinator.nextWhere((r) => r.data?.incomingStatusChanged.mobilityId === physB.id);
    expect(about(sciCoordinator, eng.id)).toEqual([]);
    expect(about(sciCoordinator, physA.id)).toHaveLength(1);

    const first = (await strangerSub.next()).data!.incomingStatusChanged;
    expect(first.mobilityId).toBe(strangers.id);
  });

  it('catches up after a reconnect with exactly the missed events, in order, scoped by role, page by page', async () => {
    const a = await claimed(hub, partner);
    const office = await follow(OFFICE, { academicYear: YEAR });
    await listening(1);
    const b = (await nominate(hub, await nominationInput(hub, partner, { hostUnitId: await unitGlobalId(hub, 'SCI-PHYS'), iscedCode: '0533' }))).mobility;
    const last = (await office.nextWhere((r) => r.data?.incomingStatusChanged.mobilityId === b.id)).data!.incomingStatusChanged.cursor;
    office.dispose();
    open.splice(0);
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscription to end');

    // Meanwhile: A is rejected, C is nominated (ENG), B withdrawn on the partner's word.
    ok(await decide(hub, a.mobility, 'REJECT', 'Field not offered'));
    const c = (await nominate(hub, await nominationInput(hub, partner))).mobility;
    ok(await hub.request(IncWithdrawDocument, { id: b.id, version: b.version, reason: 'Partner e-mail' }, OFFICE));
    const missed = [`${a.mobility.id} NOMINATED→REJECTED`, `${c.id} ∅→NOMINATED`, `${b.id} NOMINATED→WITHDRAWN`];
    const key = (e: IncEventFieldsFragment) => `${e.mobilityId} ${e.from ?? '∅'}→${e.to}`;
    const catchUp = async (identity: Identity, count: number, extra: { mobilityId?: string; first?: number } = {}) => {
      let events: IncEventFieldsFragment[] = [];
      await waitFor(async () => {
        events = ok(await hub.request(IncEventsDocument, { after: last, academicYear: YEAR, ...extra }, identity)).incomingEvents.events;
        return events.length >= count;
      }, 15_000, `${count} events`);
      return events;
    };

    const forOffice = await catchUp(OFFICE, missed.length);
    expect(forOffice.map(key)).toEqual(missed);
    expect(forOffice[0].reason).toBe('Field not offered');

    const page1 = ok(await hub.request(IncEventsDocument, { after: last, academicYear: YEAR, first: 2 }, OFFICE)).incomingEvents;
    expect(page1).toMatchObject({ hasMore: true, complete: true, endCursor: page1.events[1].cursor });
    expect(page1.events.map(key)).toEqual(missed.slice(0, 2));
    const page2 = ok(await hub.request(IncEventsDocument, { after: page1.endCursor, academicYear: YEAR, first: 2 }, OFFICE)).incomingEvents;
    expect(page2.events.map(key)).toEqual(missed.slice(2));
    expect(page2.hasMore).toBe(false);

    expect((await catchUp(a.nominee, 0)).map(key)).toEqual([missed[0]]);
    expect((await catchUp(await coordinator(hub, 'ENG'), 0)).map(key)).toEqual([missed[0], missed[1]]);
    expect((await catchUp(await coordinator(hub, 'SCI'), 0)).map(key)).toEqual([missed[2]]);
    expect((await catchUp(OFFICE, 0, { mobilityId: b.id })).map(key)).toEqual([missed[2]]);
    expect(await catchUp(applicant(), 0)).toEqual([]);
    expect(errorOf(await hub.request(IncEventsDocument, { after: last }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(IncEventsDocument, { after: 'not a cursor' }, OFFICE))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });
});
