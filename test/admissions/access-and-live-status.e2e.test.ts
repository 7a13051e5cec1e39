/**
 * Who reads admission applications (applicants their own, coordinators their units' calls, the office all), the
 * statistics, and live status: events over WebSocket, refused subscriptions, catch-up after a cursor.
 */
import {
  AdmApplicationDocument,
  AdmApplicationsDocument,
  AdmCancelDocument,
  AdmEventsDocument,
  AdmMyApplicationsDocument,
  AdmNodeDocument,
  AdmStatisticsDocument,
  AdmStatusChangedDocument,
  AdmSubmitApplicationDocument,
  type AdmEventFieldsFragment,
  type AdmStatusChangedSubscription,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import { AdmissionWorld, errorOf, ok, STAFF, type Application, type Call } from './admissions.support';

let hub: TestHub;
let world: AdmissionWorld;
let callEng: Call;
let callSci: Call;
let applicantA: Identity;
let applicantB: Identity;
let appA: Application;
let appB: Application;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new AdmissionWorld(hub).init();
  callEng = await world.openCall({ unitId: world.unit('ENG-CENG') });
  callSci = await world.openCall({ unitId: world.unit('SCI-PHYS') });
  applicantA = world.applicant('a');
  applicantB = world.applicant('b');
  appA = await world.createApplication(applicantA, callEng.id, { nationality: 'DE' });
  appB = await world.submit(applicantB, await world.createApplication(applicantB, callSci.id, { nationality: 'AZ' }));
});
afterAll(() => hub.close());

describe('access', () => {
  it('gives applicants only their own applications; others’ are null, lists filtered', async () => {
    expect(ok(await hub.request(AdmApplicationDocument, { id: appA.id }, applicantA)).admissionApplication).toMatchObject({ id: appA.id, givenName: 'Test' });
    expect(ok(await hub.request(AdmApplicationDocument, { id: appB.id }, applicantA)).admissionApplication).toBeNull();
    expect(ok(await hub.request(AdmNodeDocument, { id: appB.id }, applicantA)).node).toBeNull();
    const listed = ok(await hub.request(AdmApplicationsDocument, { first: 100 }, applicantA)).admissionApplications;
    expect(listed.nodes.map((n) => n.id)).toEqual([appA.id]);
    expect(ok(await hub.request(AdmMyApplicationsDocument, {}, applicantB)).myAdmissionApplications.map((a) => a.id)).toEqual([appB.id]);
  });

  it('gives coordinators the applications of their units’ calls (faculty includes its departments), not another unit’s', async () => {
    const eng = world.coordinator('ENG');
    const sci = world.coordinator('SCI-PHYS');
    expect(ok(await hub.request(AdmApplicationDocument, { id: appA.id }, eng)).admissionApplication).toMatchObject({ id: appA.id });
    expect(ok(await hub.request(AdmApplicationDocument, { id: appB.id }, eng)).admissionApplication).toBeNull();
    expect(ok(await hub.request(AdmApplicationDocument, { id: appB.id }, sci)).admissionApplication).toMatchObject({ id: appB.id });
    const engList = ok(await hub.request(AdmApplicationsDocument, { filter: { callId: callEng.id }, first: 100 }, eng)).admissionApplications;
    expect(engList.nodes.map((n) => n.id)).toEqual([appA.id]);
    const engOnSci = ok(await hub.request(AdmApplicationsDocument, { filter: { callId: callSci.id }, first: 100 }, eng)).admissionApplications;
    expect(engOnSci.nodes).toEqual([]);
    // A coordinator reads, but does not take the office's steps.
    expect(errorOf(await hub.request(AdmCancelDocument, { input: { id: appA.id, version: appA.version, reason: 'x' } }, eng))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows nothing to anonymous visitors', async () => {
    expect(ok(await hub.request(AdmApplicationDocument, { id: appA.id })).admissionApplication).toBeNull();
    expect(ok(await hub.request(AdmNodeDocument, { id: appA.id })).node).toBeNull();
    expect(errorOf(await hub.request(AdmApplicationsDocument, { first: 10 }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(AdmMyApplicationsDocument, {}))).toMatchObject({ code: 'UNAUTHENTICATED' });
    // The call itself is public.
    expect(ok(await hub.request(AdmNodeDocument, { id: callEng.id })).node).toMatchObject({ __typename: 'AdmissionCall', callStatus: 'OPEN' });
  });

  it('answers NOT_FOUND when someone else takes an applicant’s step; FORBIDDEN to those who may read it', async () => {
    expect(errorOf(await hub.request(AdmSubmitApplicationDocument, { id: appA.id, version: appA.version }, applicantB))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await hub.request(AdmSubmitApplicationDocument, { id: appA.id, version: appA.version }, STAFF))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await world.read(appA.id)).status).toBe('DRAFT');
  });
});

describe('statistics', () => {
  it('count per nationality, programme (call) and status, scoped for coordinators; drafts left out', async () => {
    const call = await world.openCall({ unitId: world.unit('ENG-EEE') });
    const plan: [string, boolean][] = [
      ['TR', true],
      ['DE', true],
      ['DE', true],
      ['AZ', false],
    ];
    for (const [nationality, submit] of plan) {
      const who = world.applicant();
      const created = await world.createApplication(who, call.id, { nationality });
      if (submit) await world.submit(who, created);
    }
    const stats = ok(await hub.request(AdmStatisticsDocument, { callId: call.id }, STAFF)).admissionStatistics;
    expect(stats).toEqual({
      total: 3,
      byStatus: [{ status: 'SUBMITTED', count: 3 }],
      byCountry: [
        { country: 'DE', count: 2 },
        { country: 'TR', count: 1 },
      ],
      byCall: [{ call: { id: call.id }, count: 3 }],
    });
    const year = ok(await hub.request(AdmStatisticsDocument, { academicYear: '2027/2028' }, STAFF)).admissionStatistics;
    expect(year.byCall.find((c) => c.call?.id === call.id)?.count).toBe(3);
    expect(year.byCall.find((c) => c.call?.id === callSci.id)?.count).toBe(1);

    expect(ok(await hub.request(AdmStatisticsDocument, { callId: call.id }, world.coordinator('ENG'))).admissionStatistics.total).toBe(3);
    expect(ok(await hub.request(AdmStatisticsDocument, { callId: call.id }, world.coordinator('SCI'))).admissionStatistics).toEqual({
      total: 0,
      byStatus: [],
      byCountry: [],
      byCall: [],
    });
    const sciYear = ok(await hub.request(AdmStatisticsDocument, { academicYear: '2027/2028' }, world.coordinator('SCI'))).admissionStatistics;
    expect(sciYear.byCall.map((c) => c.call?.id)).not.toContain(call.id);
    expect(errorOf(await hub.request(AdmStatisticsDocument, { callId: call.id }, world.applicant()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(AdmStatisticsDocument, { callId: call.id }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(AdmStatisticsDocument, { academicYear: '2027' }, STAFF))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'academicYear' });
  });
});

describe('live status', () => {
  type Sub = ReturnType<typeof subscribe<AdmStatusChangedSubscription, { applicationId?: string; callId?: string }>>;
  const open: Sub[] = [];
  afterEach(async () => {
    open.splice(0).forEach((s) => s.dispose());
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
  });

  async function follow(identity: Identity | undefined, variables: { applicationId?: string; callId?: string } = {}): Promise<Sub> {
    const sub = subscribe(await hub.ws(identity), AdmStatusChangedDocument, variables);
    open.push(sub);
    return sub;
  }

  async function refusal(sub: Sub) {
    await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
    const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string; reason?: string } }[];
    expect(Array.isArray(errors)).toBe(true);
    return errors[0].extensions!;
  }

  const listening = (n: number) => waitFor(() => hub.hub.dispatcher.listenerCount >= n, 5000, 'the subscriptions to register');

  it('refuses a subscription to someone else’s application (FORBIDDEN) and visitors (UNAUTHENTICATED)', async () => {
    expect(await refusal(await follow(applicantA, { applicationId: appB.id }))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(await refusal(await follow(world.coordinator('ENG'), { applicationId: appB.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(await follow(undefined))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(await follow(undefined, { applicationId: appA.id }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(hub.hub.dispatcher.listenerCount).toBe(0);
  });

  it('delivers each step with from, to, reason and a cursor, to the office, the applicant and the unit’s coordinator only', async () => {
    const call = await world.openCall({ unitId: world.unit('ENG-CENG') });
    const who = world.applicant('live');
    const office = await follow(STAFF, { callId: call.id });
    const own = await follow(who);
    const eng = await follow(world.coordinator('ENG'), { callId: call.id });
    const sci = await follow(world.coordinator('SCI'), { callId: call.id });
    await listening(4);

    const draft = await world.createApplication(who, call.id);
    const submitted = await world.submit(who, draft);
    await hub.request(AdmCancelDocument, { input: { id: submitted.id, version: submitted.version, reason: 'Applied twice' } }, STAFF);

    const received: AdmEventFieldsFragment[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await office.nextWhere((x) => x.data?.admissionStatusChanged.applicationId === draft.id);
      expect(r.errors).toBeUndefined();
      received.push(r.data!.admissionStatusChanged);
    }
    expect(received.map((e) => [e.from, e.to, e.reason])).toEqual([
      [null, 'DRAFT', null],
      ['DRAFT', 'SUBMITTED', null],
      ['SUBMITTED', 'CANCELLED', 'Applied twice'],
    ]);
    for (const e of received) expect(e).toMatchObject({ applicationId: draft.id, number: draft.number, callId: call.id, cursor: expect.any(String) });
    const last = await own.nextWhere((x) => x.data?.admissionStatusChanged.to === 'CANCELLED');
    expect(last.data!.admissionStatusChanged).toMatchObject({ applicationId: draft.id, application: { id: draft.id, status: 'CANCELLED' } });
    expect((await eng.nextWhere((x) => x.data?.admissionStatusChanged.to === 'CANCELLED')).data!.admissionStatusChanged.applicationId).toBe(draft.id);
    expect(await sci.nothingWithin(300)).toBe(true);
    expect(sci.results).toEqual([]);

    // Catch-up from the first event's cursor returns exactly the two after it, in order; scoped like the subscription.
    let events: AdmEventFieldsFragment[] = [];
    await waitFor(async () => {
      events = ok(await hub.request(AdmEventsDocument, { after: received[0].cursor, callId: call.id }, STAFF)).admissionEvents.events;
      return events.length >= 2;
    }, 10_000, 'the events to be readable');
    expect(events.map((e) => [e.applicationId, e.to, e.cursor])).toEqual(received.slice(1).map((e) => [e.applicationId, e.to, e.cursor]));
    const page = ok(await hub.request(AdmEventsDocument, { after: received[0].cursor, callId: call.id, first: 1 }, STAFF)).admissionEvents;
    expect(page).toMatchObject({ hasMore: true, endCursor: received[1].cursor, complete: true });
    const rest = ok(await hub.request(AdmEventsDocument, { after: page.endCursor, callId: call.id }, STAFF)).admissionEvents;
    expect(rest.events.map((e) => e.cursor)).toEqual([received[2].cursor]);
    expect(ok(await hub.request(AdmEventsDocument, { after: received[0].cursor, callId: call.id }, who)).admissionEvents.events.map((e) => e.to)).toEqual([
      'SUBMITTED',
      'CANCELLED',
    ]);
    expect(ok(await hub.request(AdmEventsDocument, { after: received[0].cursor, callId: call.id }, world.applicant())).admissionEvents.events).toEqual([]);
    expect(ok(await hub.request(AdmEventsDocument, { after: received[0].cursor, callId: call.id }, world.coordinator('SCI'))).admissionEvents.events).toEqual([]);
    expect(ok(await hub.request(AdmEventsDocument, { after: received[0].cursor, applicationId: draft.id }, world.coordinator('ENG-CENG'))).admissionEvents.events).toHaveLength(2);
    expect(errorOf(await hub.request(AdmEventsDocument, { after: received[0].cursor }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(AdmEventsDocument, { after: 'not a cursor' }, STAFF))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
    expect(errorOf(await hub.request(AdmEventsDocument, { first: 0 }, STAFF))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' });
  });

  it('records every step in the history and the outbox in the same transaction', async () => {
    const history = (await world.read(appB.id)).history;
    const events = await world.sql<{ to: string }>(
      `select payload->>'to' as to from outbox_event where type = 'admissionApplication.statusChanged' and aggregate_id = ? order by txid, id`,
      [Buffer.from(appB.id, 'base64url').toString().split(':')[1]],
    );
    expect(events.map((e) => e.to)).toEqual(history.map((h) => h.to));
  });
});
