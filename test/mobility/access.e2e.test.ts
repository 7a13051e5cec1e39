/**
 * Every access rule of applications, per role: a visitor, the applicant, another applicant, a coordinator of the
 * application's unit (or a unit above it), a coordinator of another unit, and the office. Applications are personal
 * data: whoever may not read one gets null (or NOT_FOUND for a step on it), never a hint that it exists.
 */
import {
  MobApplicationDocument,
  MobApplicationNodeDocument,
  MobApplicationsDocument,
  MobApplicationStatusChangedDocument,
  MobChangeApplicationStatusDocument,
  MobDashboardDocument,
  MobEvaluateCallDocument,
  MobMyApplicationsDocument,
  MobPublishResultsDocument,
  MobRunPlacementDocument,
  MobSetOfficeNoteDocument,
  MobSubmitApplicationDocument,
  MobUpdateApplicationDocument,
  MobWaiveApplicationDocument,
  MobWithdrawApplicationDocument,
  type MobApplicationStatusChangedSubscription,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, STAFF, type Application, type Call, type Place } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

/** The applicant of ENG-CENG (A) and of SCI-PHYS (B). */
let applicantA: Identity;
let applicantB: Identity;
let coordinatorEng: Identity;
let coordinatorCeng: Identity;
let coordinatorSci: Identity;
let appA: Application;
let appB: Application;
let call: Call;
/** B's draft in the same call, which others try to submit. */
let draftB: Application;
let draftCall: { id: string };
let draftPlace: Place;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
  applicantA = world.applicant('access-a');
  applicantB = world.applicant('access-b');
  coordinatorEng = world.coordinator('ENG');
  coordinatorCeng = world.coordinator('ENG-CENG');
  coordinatorSci = world.coordinator('SCI');

  const opened = await world.callWithPlaces([{ country: 'DE', capacity: 2 }]);
  call = opened.call;
  const a = await world.apply(applicantA, call.id, { gpa: 3.5, preferences: [opened.places[0].id] });
  const b = await world.apply(applicantB, call.id, { gpa: 3.2, unitId: world.unit('SCI-PHYS'), preferences: [opened.places[0].id] });
  await world.select(call.id);
  const nominated = await world.officeStep(await world.read(a.id), 'NOMINATED');
  ok(await hub.request(MobSetOfficeNoteDocument, { id: nominated.id, version: nominated.version, note: 'Transcript checked by phone' }, STAFF));
  appA = await world.read(a.id);
  appB = await world.read(b.id);

  // An open call where B has a draft.
  const open = await world.callWithPlaces([{ country: 'FR' }]);
  draftCall = open.call;
  draftPlace = open.places[0];
  draftB = await world.createApplication(applicantB, open.call.id, { unitId: world.unit('SCI-PHYS'), preferences: [draftPlace.id] });
});
afterAll(() => hub.close());

const who = (): Record<string, Identity | undefined> => ({
  visitor: undefined,
  applicantA,
  applicantB,
  coordinatorEng,
  coordinatorCeng,
  coordinatorSci,
  staff: STAFF,
});

describe('reading applications', () => {
  it('mobilityApplication(id) answers the applicant, coordinators of the unit or above, and the office; null for everyone else', async () => {
    const expected: Record<string, [boolean, boolean]> = {
      // [reads A's, reads B's]
      visitor: [false, false],
      applicantA: [true, false],
      applicantB: [false, true],
      coordinatorEng: [true, false],
      coordinatorCeng: [true, false],
      coordinatorSci: [false, true],
      staff: [true, true],
    };
    for (const [name, identity] of Object.entries(who())) {
      const reads: boolean[] = [];
      for (const application of [appA, appB]) {
        const res = await hub.request(MobApplicationDocument, { id: application.id }, identity);
        expect(res.errors).toBeUndefined();
        const read = res.data!.mobilityApplication;
        if (read) expect(read).toMatchObject({ id: application.id, number: application.number, applicant: { subject: application.applicant.subject } });
        reads.push(read !== null);
      }
      expect({ name, reads }).toEqual({ name, reads: expected[name] });
    }
  });

  it('node(id) follows the same rule and reveals nothing to others', async () => {
    const expected: Record<string, boolean> = {
      visitor: false,
      applicantA: true,
      applicantB: false,
      coordinatorEng: true,
      coordinatorCeng: true,
      coordinatorSci: false,
      staff: true,
    };
    for (const [name, identity] of Object.entries(who())) {
      const res = await hub.request(MobApplicationNodeDocument, { id: appA.id }, identity);
      expect(res.errors).toBeUndefined();
      const node = res.data!.node;
      expect({ name, node }).toEqual({ name, node: expected[name] ? { __typename: 'MobilityApplication', id: appA.id, number: appA.number, status: 'NOMINATED' } : null });
    }
  });

  it('mobilityApplications is scoped: own for applicants, their units’ (and below) for coordinators, all for the office; visitors are UNAUTHENTICATED', async () => {
    const listed = async (identity: Identity | undefined, filter: Record<string, unknown> = {}) => {
      const res = await hub.request(MobApplicationsDocument, { filter: { callId: call.id, ...filter }, first: 50 }, identity);
      return res;
    };
    expect(errorOf(await listed(undefined))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
    const ids = async (identity: Identity, filter: Record<string, unknown> = {}) => ok(await listed(identity, filter)).mobilityApplications.nodes.map((n) => n.id).sort();
    expect(await ids(applicantA)).toEqual([appA.id]);
    expect(await ids(applicantB)).toEqual([appB.id]);
    expect(await ids(coordinatorEng)).toEqual([appA.id]);
    expect(await ids(coordinatorCeng)).toEqual([appA.id]);
    expect(await ids(coordinatorSci)).toEqual([appB.id]);
    expect(await ids(STAFF)).toEqual([appA.id, appB.id].sort());
    // A unit filter narrows the scope, never widens it.
    expect(await ids(coordinatorEng, { unitId: world.unit('SCI') })).toEqual([]);
    expect(await ids(STAFF, { unitId: world.unit('SCI') })).toEqual([appB.id]);
    const total = ok(await listed(applicantA)).mobilityApplications.totalCount;
    expect(total).toBe(1);
    // Without a call filter, an applicant still sees only their own.
    const all = ok(await hub.request(MobApplicationsDocument, { first: 100 }, applicantB)).mobilityApplications.nodes;
    expect(all.map((n) => n.applicant.subject)).toEqual(all.map(() => applicantB.sub));
    expect(all.map((n) => n.id).sort()).toEqual([appB.id, draftB.id].sort());
    // myMobilityApplications: one's own, newest first.
    expect(ok(await hub.request(MobMyApplicationsDocument, {}, applicantB)).myMobilityApplications.map((a) => a.id)).toEqual([draftB.id, appB.id]);
    expect(errorOf(await hub.request(MobMyApplicationsDocument, {}))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
  });

  it('shows the office note only to the office', async () => {
    for (const [name, identity] of Object.entries(who())) {
      const read = ok(await hub.request(MobApplicationDocument, { id: appA.id }, identity)).mobilityApplication;
      if (!read) continue;
      expect({ name, note: read.officeNote }).toEqual({ name, note: name === 'staff' ? 'Transcript checked by phone' : null });
    }
  });

  it('shows the applicant "office" as the actor of the office’s steps, and their own subject for theirs; coordinators and the office see who', async () => {
    const steps = async (identity: Identity) =>
      ok(await hub.request(MobApplicationDocument, { id: appA.id }, identity)).mobilityApplication!.history.map((h) => [h.to, h.actor]);
    expect(await steps(applicantA)).toEqual([
      ['DRAFT', applicantA.sub],
      ['SUBMITTED', applicantA.sub],
      ['ELIGIBLE', 'office'],
      ['SCORED', 'office'],
      ['SELECTED', 'office'],
      ['NOMINATED', 'office'],
    ]);
    const real = [
      ['DRAFT', applicantA.sub],
      ['SUBMITTED', applicantA.sub],
      ['ELIGIBLE', STAFF.sub],
      ['SCORED', STAFF.sub],
      ['SELECTED', STAFF.sub],
      ['NOMINATED', STAFF.sub],
    ];
    expect(await steps(STAFF)).toEqual(real);
    expect(await steps(coordinatorEng)).toEqual(real);
  });
});

describe('mutations', () => {
  it('refuses the office’s steps to applicants and coordinators with FORBIDDEN (visitors: UNAUTHENTICATED), changing nothing', async () => {
    const attempts = [
      () => [MobEvaluateCallDocument, { callId: call.id }] as const,
      () => [MobRunPlacementDocument, { callId: call.id }] as const,
      () => [MobPublishResultsDocument, { callId: call.id }] as const,
      () => [MobChangeApplicationStatusDocument, { input: { id: appA.id, version: appA.version, to: 'ACCEPTED' as const } }] as const,
      () => [MobChangeApplicationStatusDocument, { input: { id: appB.id, version: appB.version, to: 'CANCELLED' as const, reason: 'no' } }] as const,
      () => [MobSetOfficeNoteDocument, { id: appA.id, version: appA.version, note: 'mine now' }] as const,
    ];
    for (const [name, identity] of Object.entries(who())) {
      if (name === 'staff') continue;
      for (const attempt of attempts) {
        const [document, variables] = attempt();
        const res = await hub.request(document as never, variables as never, identity);
        const code = identity ? 'FORBIDDEN' : 'UNAUTHENTICATED';
        expect({ name, error: errorOf(res) }).toMatchObject({ name, error: { code, reason: code } });
      }
    }
    expect(await world.read(appA.id)).toMatchObject({ status: 'NOMINATED', version: appA.version, officeNote: 'Transcript checked by phone' });
    expect(await world.read(appB.id)).toMatchObject({ status: 'SELECTED', version: appB.version });
  });

  it('answers NOT_FOUND when another applicant (or a coordinator of another unit) tries someone else’s steps; FORBIDDEN to those who may read it', async () => {
    const steps = [
      () => [MobSubmitApplicationDocument, { id: draftB.id, version: draftB.version }] as const,
      () => [MobUpdateApplicationDocument, { input: { id: draftB.id, version: draftB.version, gpa: 1 } }] as const,
      () => [MobWaiveApplicationDocument, { input: { id: appB.id, version: appB.version, reason: 'not mine' } }] as const,
      () => [MobWithdrawApplicationDocument, { input: { id: appB.id, version: appB.version, reason: 'not mine' } }] as const,
    ];
    const expected: Record<string, Record<string, unknown>> = {
      visitor: { code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' },
      applicantA: { code: 'NOT_FOUND', reason: 'MOBILITY_APPLICATION_NOT_FOUND' },
      coordinatorEng: { code: 'NOT_FOUND', reason: 'MOBILITY_APPLICATION_NOT_FOUND' },
      coordinatorSci: { code: 'FORBIDDEN', reason: 'FORBIDDEN' },
      staff: { code: 'FORBIDDEN', reason: 'FORBIDDEN' },
    };
    for (const [name, error] of Object.entries(expected)) {
      for (const step of steps) {
        const [document, variables] = step();
        const res = await hub.request(document as never, variables as never, who()[name]);
        expect({ name, error: errorOf(res) }).toMatchObject({ name, error });
      }
    }
    expect(await world.read(draftB.id)).toMatchObject({ status: 'DRAFT', version: draftB.version, gpa: 3 });
    expect(await world.read(appB.id)).toMatchObject({ status: 'SELECTED', version: appB.version });
  });
});

describe('dashboard', () => {
  it('is the office’s and coordinators’: applicants FORBIDDEN, visitors UNAUTHENTICATED; a coordinator counts only their units', async () => {
    expect(errorOf(await hub.request(MobDashboardDocument, { callId: call.id }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(MobDashboardDocument, { callId: call.id }, applicantA))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    const view = async (identity: Identity) => {
      const d = ok(await hub.request(MobDashboardDocument, { callId: call.id }, identity)).mobilityDashboard;
      return {
        byStatus: [...d.byStatus].sort((x, y) => x.status.localeCompare(y.status)),
        byUnit: d.byUnit.map((u) => [u.unit!.code, u.count]).sort(),
        byCall: d.byCall.map((c) => c.count),
      };
    };
    expect(await view(STAFF)).toEqual({
      byStatus: [
        { status: 'NOMINATED', count: 1 },
        { status: 'SELECTED', count: 1 },
      ],
      byUnit: [
        ['ENG-CENG', 1],
        ['SCI-PHYS', 1],
      ],
      byCall: [2],
    });
    expect(await view(coordinatorEng)).toEqual({ byStatus: [{ status: 'NOMINATED', count: 1 }], byUnit: [['ENG-CENG', 1]], byCall: [1] });
    expect(await view(coordinatorSci)).toEqual({ byStatus: [{ status: 'SELECTED', count: 1 }], byUnit: [['SCI-PHYS', 1]], byCall: [1] });
  });
});

describe('applicationStatusChanged subscription', () => {
  type Sub = ReturnType<typeof subscribe<MobApplicationStatusChangedSubscription, { applicationId?: string; callId?: string }>>;
  const open: Sub[] = [];
  afterEach(async () => {
    open.splice(0).forEach((s) => s.dispose());
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
  });

  async function follow(identity: Identity | undefined, variables: { applicationId?: string; callId?: string } = {}): Promise<Sub> {
    const sub = subscribe(await hub.ws(identity), MobApplicationStatusChangedDocument, variables);
    open.push(sub);
    return sub;
  }

  async function refusal(sub: Sub) {
    await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
    const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string; reason?: string } }[];
    expect(Array.isArray(errors)).toBe(true);
    return errors[0].extensions!;
  }

  /** Fresh drafts of A (ENG-CENG) and B (SCI-PHYS) in the open call, made before anyone subscribes. */
  async function pair() {
    const a = await world.createApplication(world.applicant('sub-a'), draftCall.id, { preferences: [draftPlace.id] });
    const b = await world.createApplication(world.applicant('sub-b'), draftCall.id, { unitId: world.unit('SCI-PHYS'), preferences: [draftPlace.id] });
    return { a, b };
  }

  /** The office cancels B's, then A's: an audience that hears A's without B's before it did not hear B's at all. */
  async function cancelBothBThenA(p: { a: Application; b: Application }) {
    await world.officeStep(p.b, 'CANCELLED', 'test: B first');
    await world.officeStep(p.a, 'CANCELLED', 'test: A second');
  }

  const about = (sub: Sub, id: string) => sub.results.filter((r) => r.data?.applicationStatusChanged.applicationId === id);

  it('refuses an applicant who subscribes to another’s application with FORBIDDEN, and a visitor with UNAUTHENTICATED', async () => {
    expect(await refusal(await follow(applicantA, { applicationId: appB.id }))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(await refusal(await follow(coordinatorSci, { applicationId: appA.id }))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(await refusal(await follow(undefined))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
    expect(await refusal(await follow(undefined, { applicationId: appA.id }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
    expect(hub.hub.dispatcher.listenerCount).toBe(0);
  });

  it('gives an applicant without arguments only their own applications’ changes', async () => {
    const p = await pair();
    const mine = await world.read(p.a.id);
    const sub = await follow({ role: 'APPLICANT', sub: mine.applicant.subject });
    await world.listening(1);
    await cancelBothBThenA(p);
    const event = await sub.nextWhere((r) => r.data?.applicationStatusChanged.applicationId === p.a.id);
    expect(event.data!.applicationStatusChanged).toMatchObject({ from: 'DRAFT', to: 'CANCELLED', reason: 'test: A second', application: { id: p.a.id, status: 'CANCELLED' } });
    expect(about(sub, p.b.id)).toEqual([]);
    expect(sub.results.every((r) => r.data?.applicationStatusChanged.application?.applicant.subject === mine.applicant.subject)).toBe(true);
  });

  it('lets an applicant follow their own application by id', async () => {
    const p = await pair();
    const sub = await follow({ role: 'APPLICANT', sub: p.a.applicant.subject }, { applicationId: p.a.id });
    await world.listening(1);
    await cancelBothBThenA(p);
    const event = await sub.nextWhere(() => true);
    expect(event.data!.applicationStatusChanged).toMatchObject({ applicationId: p.a.id, to: 'CANCELLED' });
  });

  it('gives a coordinator their units’ applications (a department below their faculty included), not another unit’s', async () => {
    const p = await pair();
    const sub = await follow(coordinatorEng);
    await world.listening(1);
    await cancelBothBThenA(p);
    const event = await sub.nextWhere((r) => r.data?.applicationStatusChanged.applicationId === p.a.id);
    expect(event.data!.applicationStatusChanged).toMatchObject({ to: 'CANCELLED', application: { id: p.a.id } });
    expect(about(sub, p.b.id)).toEqual([]);
  });

  it('gives the office every application’s changes', async () => {
    const p = await pair();
    const sub = await follow(STAFF, { callId: draftCall.id });
    await world.listening(1);
    await cancelBothBThenA(p);
    // Only the cancellations: the drafts' creation events, committed just before the subscription, may still be on
    // their way through the outbox when it starts.
    const cancelled = (r: Sub['results'][number]) =>
      r.data?.applicationStatusChanged.to === 'CANCELLED' && [p.a.id, p.b.id].includes(r.data.applicationStatusChanged.applicationId);
    const first = await sub.nextWhere(cancelled);
    const second = await sub.nextWhere(cancelled);
    expect([first.data!.applicationStatusChanged.applicationId, second.data!.applicationStatusChanged.applicationId]).toEqual([p.b.id, p.a.id]);
  });
});
