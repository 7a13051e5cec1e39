/**
 * Live application status: each change is an event with a cursor; a client that reconnects catches up with
 * applicationEvents(after: lastCursor), scoped like the subscription; with two hub instances on one PostgreSQL
 * database a change made through one reaches the subscribers of the other.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  MobApplicationEventsDocument,
  MobApplicationStatusChangedDocument,
  MobCreateApplicationDocument,
  type MobApplicationStatusChangedSubscription,
  type MobEventFieldsFragment,
} from '../generated/graphql';
import { openOrm, prepareDatabase } from '../../src/hub';
import { signDevelopmentToken } from '../../src/platform/auth/tokens';
import { createLogger } from '../../src/platform/logging/logger';
import { dbKind, sleep, startTestHub, subscribe, testConfig, waitFor, type Identity, type TestHub } from '../support/hub';
import { startHubProcess, stopAllHubProcesses } from '../support/process';
import { errorOf, MobilityWorld, ok, STAFF, type Application, type Place } from './mobility.support';

const onPostgres = dbKind() === 'postgres';

let hub: TestHub;
let world: MobilityWorld;
let callId: string;
let place: Place;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
  const opened = await world.callWithPlaces([{ country: 'DE', capacity: 5 }]);
  callId = opened.call.id;
  place = opened.places[0];
});
afterAll(async () => {
  await stopAllHubProcesses();
  await hub.close();
});

type Sub = ReturnType<typeof subscribe<MobApplicationStatusChangedSubscription, { applicationId?: string; callId?: string }>>;
const open: Sub[] = [];
afterEach(async () => {
  open.splice(0).forEach((s) => s.dispose());
  await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
});

async function follow(identity: Identity, variables: { applicationId?: string; callId?: string } = {}): Promise<Sub> {
  const sub = subscribe(await hub.ws(identity), MobApplicationStatusChangedDocument, variables);
  open.push(sub);
  await world.listening(open.length);
  return sub;
}

/** The cursor is opaque to clients; the test reads its (transaction id, row id) to check the order. */
function position(cursor: string): [bigint, bigint] {
  const [txid, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  return [BigInt(txid), BigInt(id)];
}
function increasing(cursors: string[]): boolean {
  return cursors.every((c, i) => {
    if (i === 0) return true;
    const [t0, i0] = position(cursors[i - 1]);
    const [t1, i1] = position(c);
    return t1 > t0 || (t1 === t0 && i1 > i0);
  });
}

/** The events after `after` as `identity` may see them, once `count` have committed (waits, then checks nothing more came). */
async function catchUp(identity: Identity | undefined, after: string, count: number, extra: { applicationId?: string; first?: number } = {}) {
  let events: MobEventFieldsFragment[] = [];
  await waitFor(
    async () => {
      events = ok(await hub.request(MobApplicationEventsDocument, { after, callId, ...extra }, identity)).applicationEvents.events;
      return events.length >= count;
    },
    15_000,
    `${count} events after the cursor`,
  );
  return events;
}

const key = (e: Pick<MobEventFieldsFragment, 'applicationId' | 'from' | 'to'>) => `${e.applicationId} ${e.from ?? '∅'}→${e.to}`;

describe('events', () => {
  it('carry the application id, number, call id, from, to, time and a cursor; cursors increase in delivery order', async () => {
    const sub = await follow(STAFF, { callId });
    const who = world.applicant();
    const started = Date.now();
    const draft = await world.createApplication(who, callId, { preferences: [place.id] });
    const submitted = await world.submit(who, draft);
    const cancelled = await world.officeStep(submitted, 'CANCELLED', 'Duplicate of a paper application');

    const received: MobEventFieldsFragment[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await sub.nextWhere((x) => x.data?.applicationStatusChanged.applicationId === draft.id);
      expect(r.errors).toBeUndefined();
      received.push(r.data!.applicationStatusChanged);
    }
    expect(received.map((e) => [e.from, e.to, e.reason])).toEqual([
      [null, 'DRAFT', null],
      ['DRAFT', 'SUBMITTED', null],
      ['SUBMITTED', 'CANCELLED', 'Duplicate of a paper application'],
    ]);
    for (const e of received) {
      expect(e).toMatchObject({ applicationId: draft.id, number: draft.number, callId });
      expect(typeof e.cursor).toBe('string');
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(started - 1000);
      expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect(cancelled.status).toBe('CANCELLED');
    expect(new Set(received.map((e) => e.cursor)).size).toBe(3);
    // Everything this subscription delivered (other applications' events included) came in cursor order.
    expect(increasing(sub.results.map((r) => r.data!.applicationStatusChanged.cursor))).toBe(true);

    // The same events, read back after the first one's cursor, come in the same order with the same cursors.
    const after = await catchUp(STAFF, received[0].cursor, 2, { applicationId: draft.id });
    expect(after.map((e) => e.cursor)).toEqual(received.slice(1).map((e) => e.cursor));
  });
});

describe('catch-up after a reconnect', () => {
  it('returns exactly the missed events, in order, scoped by role', async () => {
    const personA = world.applicant('catchup-a');
    const personB = world.applicant('catchup-b');
    const appA = await world.createApplication(personA, callId, { preferences: [place.id] });
    const appB = await world.createApplication(personB, callId, { unitId: world.unit('SCI-PHYS'), preferences: [place.id] });

    // A dashboard follows the call, receives a change, and loses its connection.
    const sub = await follow(STAFF, { callId });
    const submittedA = await world.submit(personA, appA);
    const seen = await sub.nextWhere((r) => r.data?.applicationStatusChanged.applicationId === appA.id);
    const lastCursor = seen.data!.applicationStatusChanged.cursor;
    expect(seen.data!.applicationStatusChanged).toMatchObject({ from: 'DRAFT', to: 'SUBMITTED' });
    sub.dispose();
    open.splice(0);
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscription to end');

    // Meanwhile: B submits, the office cancels A's, B's is cancelled too, and a third applicant starts one.
    const submittedB = await world.submit(personB, appB);
    await world.officeStep(submittedA, 'CANCELLED', 'Missed the interview');
    await world.officeStep(submittedB, 'CANCELLED', 'Left the university');
    const personC = world.applicant('catchup-c');
    const appC = await world.createApplication(personC, callId, { preferences: [place.id] });
    const missed = [
      `${appB.id} DRAFT→SUBMITTED`,
      `${appA.id} SUBMITTED→CANCELLED`,
      `${appB.id} SUBMITTED→CANCELLED`,
      `${appC.id} ∅→DRAFT`,
    ];

    // The office gets all of them, in order, nothing twice, nothing before the cursor.
    const forOffice = await catchUp(STAFF, lastCursor, missed.length);
    expect(forOffice.map(key)).toEqual(missed);
    expect(increasing([lastCursor, ...forOffice.map((e) => e.cursor)])).toBe(true);
    expect(forOffice.find((e) => e.to === 'CANCELLED' && e.applicationId === appA.id)!.reason).toBe('Missed the interview');

    // Page by page: endCursor resumes where the page ended.
    const page1 = ok(await hub.request(MobApplicationEventsDocument, { after: lastCursor, callId, first: 3 }, STAFF)).applicationEvents;
    expect(page1.events.map(key)).toEqual(missed.slice(0, 3));
    expect(page1.hasMore).toBe(true);
    expect(page1.endCursor).toBe(page1.events[2].cursor);
    const page2 = ok(await hub.request(MobApplicationEventsDocument, { after: page1.endCursor, callId, first: 3 }, STAFF)).applicationEvents;
    expect(page2.events.map(key)).toEqual(missed.slice(3));
    expect(page2.hasMore).toBe(false);
    // Nothing new: the end cursor stays.
    const page3 = ok(await hub.request(MobApplicationEventsDocument, { after: page2.endCursor, callId }, STAFF)).applicationEvents;
    expect(page3).toMatchObject({ events: [], hasMore: false, endCursor: page2.endCursor });

    // Scoped like the subscription.
    const keys = async (identity: Identity) => (await catchUp(identity, lastCursor, 0)).map(key);
    expect(await keys(personA)).toEqual([`${appA.id} SUBMITTED→CANCELLED`]);
    expect(await keys(personB)).toEqual([`${appB.id} DRAFT→SUBMITTED`, `${appB.id} SUBMITTED→CANCELLED`]);
    expect(await keys(world.coordinator('ENG'))).toEqual([`${appA.id} SUBMITTED→CANCELLED`, `${appC.id} ∅→DRAFT`]);
    expect(await keys(world.coordinator('SCI'))).toEqual([`${appB.id} DRAFT→SUBMITTED`, `${appB.id} SUBMITTED→CANCELLED`]);
    expect(await keys(world.applicant())).toEqual([]);
    expect(errorOf(await hub.request(MobApplicationEventsDocument, { after: lastCursor, callId }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
  });

  it('refuses a cursor it did not give with BAD_USER_INPUT / INVALID_CURSOR', async () => {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
    for (const after of ['', 'not a cursor', b64('12:x'), b64('1:2:3'), b64('-1:5'), b64('123456789012345678901:1')]) {
      const res = await hub.request(MobApplicationEventsDocument, { after, callId }, STAFF);
      expect({ after, error: errorOf(res) }).toMatchObject({ after, error: { code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR', field: 'after' } });
    }
    const tooMany = await hub.request(MobApplicationEventsDocument, { callId, first: 0 }, STAFF);
    expect(errorOf(tooMany)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' });
  });
});

/** Brings the worker database up to date before the two instances start (they would both migrate at once otherwise). */
async function prepareWorkerDatabase(): Promise<void> {
  const config = testConfig();
  const log = createLogger({ logLevel: 'silent' });
  const { orm, db } = await openOrm(config, log, 'task');
  try {
    await prepareDatabase(orm, config, log);
    await (orm.em.fork() as EntityManager).execute('select 1');
  } finally {
    await orm.close();
    await db.close();
  }
}

if (!onPostgres) {
  console.log('mobility cross-instance test skipped: needs real PostgreSQL (set DATABASE_URL)');
  it.skip('mobility cross-instance test skipped: needs real PostgreSQL (set DATABASE_URL)', () => undefined);
} else {
  describe('two hub instances on one PostgreSQL database', () => {
    beforeAll(prepareWorkerDatabase);

    it('delivers an application status change made through instance B to a subscriber of instance A', async () => {
      // The outbox poll at its maximum (60 s): only the PostgreSQL bus (LISTEN/NOTIFY) can deliver in time.
      const env = { EVENT_BUS: 'postgres', OUTBOX_POLL_MS: '60000' };
      const [a, b] = await Promise.all([startHubProcess(env, { label: 'A' }), startHubProcess(env, { label: 'B' })]);
      expect(a.ready).toMatchObject({ bus: 'postgres' });
      expect(b.ready).toMatchObject({ bus: 'postgres' });
      const config = testConfig();
      const staff = await signDevelopmentToken(config, { sub: STAFF.sub!, roles: ['STAFF'], units: [] });
      const applicantToken = async () => {
        const subject = world.applicant('cross').sub!;
        return { subject, token: await signDevelopmentToken(config, { sub: subject, roles: ['APPLICANT'], units: [] }) };
      };
      const sub = subscribe(a.ws(staff), MobApplicationStatusChangedDocument, { callId });
      const applyThrough = async (instance: typeof a) => {
        const { subject, token } = await applicantToken();
        const res = await instance.request(MobCreateApplicationDocument, { input: world.applicationInput(callId, { preferences: [place.id] }) }, token);
        expect(res.errors).toBeUndefined();
        return { subject, application: res.data!.createMobilityApplication as Application };
      };
      const idOf = (r: { data?: MobApplicationStatusChangedSubscription | null }) => r.data?.applicationStatusChanged.applicationId;

      // graphql-ws does not acknowledge a subscription: changes made through A itself, until A delivers one, show
      // that it is live before B is asked.
      const warmUps = new Set<string>();
      for (let live = false; !live; ) {
        if (warmUps.size >= 10) throw new Error(`A never delivered its own changes\n${a.output()}`);
        warmUps.add((await applyThrough(a)).application.id);
        try {
          await sub.nextWhere((r) => warmUps.has(idOf(r)!), 1000);
          live = true;
        } catch (e) {
          if (!String(e).includes('no subscription event')) throw e;
        }
      }

      // B's change reaches A through the bus. Transaction ids are cluster-wide, so an event can be held back behind a
      // transaction open in another test database; B's next change rings again (as in the platform's cross-instance test).
      const fromB: { subject: string; application: Application }[] = [];
      const delivered = (id: string) => sub.results.filter((r) => idOf(r) === id);
      for (let ring = 0; ring < 5 && (fromB.length === 0 || delivered(fromB[0].application.id).length === 0); ring++) {
        fromB.push(await applyThrough(b));
        await waitFor(() => delivered(fromB[0].application.id).length > 0, 2000, 'A to deliver B’s change').catch(() => undefined);
      }
      const [event] = delivered(fromB[0].application.id);
      expect(event).toBeDefined();
      expect(event.errors).toBeUndefined();
      expect(event.data!.applicationStatusChanged).toMatchObject({
        applicationId: fromB[0].application.id,
        number: fromB[0].application.number,
        callId,
        from: null,
        to: 'DRAFT',
        application: { id: fromB[0].application.id, status: 'DRAFT', applicant: { subject: fromB[0].subject } },
      });
      // Each change is delivered once.
      await sleep(200);
      for (const { application } of fromB) expect(delivered(application.id).length).toBeLessThanOrEqual(1);
      sub.dispose();
      await Promise.all([a.disposeClients(), b.disposeClients()]);
      expect(await a.stop()).toEqual({ code: 0, signal: null });
      expect(await b.stop()).toEqual({ code: 0, signal: null });
    }, 60_000);
  });
}
