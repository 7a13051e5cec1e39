/**
 * Two hub processes on one database: a change made through instance B reaches a subscriber of instance A, the bus
 * ringing A's doorbell. The outbox poll is set to its maximum (60 s) so that only the bus can deliver in time.
 * Needs real PostgreSQL: PGlite cannot carry LISTEN/NOTIFY, and the embedded database belongs to one process.
 */
import { spawnSync } from 'node:child_process';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AddUnitDocument, UnitChangedDocument, type UnitChangedSubscription } from '../generated/graphql';
import { openOrm, prepareDatabase } from '../../src/hub';
import { signDevelopmentToken } from '../../src/platform/auth/tokens';
import { PostgresBus } from '../../src/platform/events/bus';
import { createLogger } from '../../src/platform/logging/logger';
import { dbKind, sleep, subscribe, testConfig, waitFor } from '../support/hub';
import { startHubProcess, stopAllHubProcesses, type EnvOverrides } from '../support/process';

const REDIS_URL = 'redis://127.0.0.1:6379';
const onPostgres = dbKind() === 'postgres';

/** Checked while the tests are collected, so that a skipped test can say why in its name. */
function redisReachable(): boolean {
  const script = `
    const s = require('net').connect(6379, '127.0.0.1', () => s.write('PING\\r\\n'));
    s.setTimeout(1500, () => process.exit(1));
    s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));
    s.on('error', () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', script], { timeout: 3000 }).status === 0;
}

const unique = () => `X${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

afterAll(() => stopAllHubProcesses());

/** Brings the worker database up to date once, so that both instances can start at the same time. */
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

async function deliversAcrossInstances(bus: 'postgres' | 'redis'): Promise<void> {
  const env: EnvOverrides = { EVENT_BUS: bus, REDIS_URL: bus === 'redis' ? REDIS_URL : '', OUTBOX_POLL_MS: '60000' };
  const [a, b] = await Promise.all([startHubProcess(env, { label: `A (${bus})` }), startHubProcess(env, { label: `B (${bus})` })]);
  expect(a.ready).toMatchObject({ bus });
  expect(b.ready).toMatchObject({ bus });
  expect(a.port).not.toBe(b.port);

  const staff = await signDevelopmentToken(testConfig(), { sub: `cross-${bus}-staff`, roles: ['STAFF'], units: [] });
  const sub = subscribe(a.ws(staff), UnitChangedDocument, { changes: ['ADDED'] });

  // graphql-ws does not acknowledge a subscription, and a change committed before it is registered is not replayed.
  // Changes made through A itself, until A delivers one, show that the subscription is live before B is asked.
  const warmUps = new Set<string>();
  const codeOf = (r: { data?: UnitChangedSubscription | null }) => r.data?.organisationalUnitChanged.unit?.code;
  for (let live = false; !live; ) {
    if (warmUps.size >= 10) throw new Error(`A never delivered its own changes\n${a.output()}`);
    const own = unique();
    warmUps.add(own);
    const viaA = await a.request(AddUnitDocument, { input: { kind: 'OFFICE', code: own, name: { tr: 'A üzerinden' } } }, staff);
    expect(viaA.errors).toBeUndefined();
    try {
      expect(warmUps.has(codeOf(await sub.next(1000))!)).toBe(true);
      live = true;
    } catch (e) {
      if (!String(e).includes('no subscription event')) throw e;
    }
  }

  // B's change reaches A through the bus alone (A's next poll is a minute away). Transaction ids and snapshots are
  // PostgreSQL-cluster-wide, so a ring can find B's event held back behind a write transaction still open in the
  // other test worker's database; the next ring delivers it. B therefore makes further changes (each one rings)
  // until its first one has arrived.
  const staffName = `cross-${bus}-staff`;
  const fromB: { code: string; id: string }[] = [];
  const delivered = (c: string) => sub.results.filter((r) => codeOf(r) === c);
  for (let ring = 0; ring < 5 && (fromB.length === 0 || delivered(fromB[0].code).length === 0); ring++) {
    const code = unique();
    const viaB = await b.request(AddUnitDocument, { input: { kind: 'OFFICE', code, name: { tr: 'B üzerinden', en: 'Through B' } } }, staff);
    expect(viaB.status).toBe(200);
    expect(viaB.errors).toBeUndefined();
    fromB.push({ code, id: viaB.data!.addOrganisationalUnit.id });
    await waitFor(() => delivered(fromB[0].code).length > 0, 2000, 'A to deliver B\'s change').catch(() => undefined);
  }
  const [event] = delivered(fromB[0].code);
  expect(event).toBeDefined();
  expect(event.errors).toBeUndefined();
  expect(event.data!.organisationalUnitChanged).toMatchObject({
    change: 'ADDED',
    unitId: fromB[0].id,
    version: 1,
    actor: staffName,
    unit: { code: fromB[0].code, name: 'B üzerinden' },
  });
  // Each change is delivered once.
  await sleep(200);
  for (const { code } of fromB) expect(delivered(code).length).toBeLessThanOrEqual(1);
  expect(delivered(fromB[0].code)).toHaveLength(1);
  sub.dispose();
  await Promise.all([a.disposeClients(), b.disposeClients()]);
  expect(await a.stop()).toEqual({ code: 0, signal: null });
  expect(await b.stop()).toEqual({ code: 0, signal: null });
}

if (!onPostgres) {
  console.log('cross-instance test skipped: needs real PostgreSQL (set DATABASE_URL)');
  it.skip('cross-instance test skipped: needs real PostgreSQL (set DATABASE_URL)', () => undefined);
} else {
  describe('two hub instances on one PostgreSQL database', () => {
    beforeAll(prepareWorkerDatabase);

    it('the PostgreSQL bus sends a burst of rings one NOTIFY at a time, and the other side hears one after the last', async () => {
      const url = testConfig().databaseUrl!;
      const log = createLogger({ logLevel: 'silent' });
      const sender = new PostgresBus(url, log);
      const receiver = new PostgresBus(url, log);
      await Promise.all([sender.start(), receiver.start()]);
      try {
        let heard = 0;
        receiver.onRing(() => heard++);
        // 50 rings while the first NOTIFY is in flight: that one, then a single one for the 49 that came meanwhile
        // (never two queries at once on the notifier connection).
        for (let i = 0; i < 50; i++) sender.ring();
        await waitFor(() => heard >= 2, 5000, 'the two notifications');
        await sleep(300);
        expect(heard).toBe(2);
        // Once quiet, the next ring goes out at once.
        sender.ring();
        await waitFor(() => heard === 3, 5000, 'the next notification');
      } finally {
        await Promise.all([sender.close(), receiver.close()]);
      }
    });

    it('delivers a change made through instance B to a subscriber of instance A over the PostgreSQL bus (LISTEN/NOTIFY)', async () => {
      await deliversAcrossInstances('postgres');
    });

    const redisUp = redisReachable();
    if (redisUp) {
      it('delivers a change made through instance B to a subscriber of instance A over the Redis bus', async () => {
        await deliversAcrossInstances('redis');
      });
    } else {
      const reason = `Redis not reachable at ${REDIS_URL}`;
      console.log(`cross-instance Redis test skipped: ${reason}`);
      it.skip(`delivers a change through instance B to a subscriber of A over the Redis bus (skipped: ${reason})`, () => undefined);
    }
  });
}
