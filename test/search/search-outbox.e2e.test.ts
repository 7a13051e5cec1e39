/**
 * Keeping Meilisearch true through the outbox, against real servers: an outage of Meilisearch (the consumer fails,
 * keeps its cursor, backs off, and drains the backlog once Meilisearch is back), a hub process killed with changes
 * not yet indexed (the next hub on the database indexes every one), and `npm run reindex` (a fresh index swapped in,
 * the old one gone) with its drift check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Meilisearch } from 'meilisearch';
import pino from 'pino';
import type { EntityManager } from '@mikro-orm/postgresql';
import { startHub } from '../../src/hub';
import { freePort, startMeiliServer, type MeiliServer } from '../../src/modules/search/meili-server';
import { meiliClient, meiliOptions, succeeded } from '../../src/modules/search/meili.index';
import { MEILI_CONSUMER } from '../../src/modules/search/meili.sink';
import { allSearchRefs, buildSearchDocuments } from '../../src/modules/search/search.documents';
import { signDevelopmentToken } from '../../src/platform/auth/tokens';
import { fromGlobalId } from '../../src/platform/graphql/relay';
import { DirectoryCreateInstitutionDocument, DirectoryUpdateInstitutionDocument } from '../generated/graphql';
import {
  dedicatedDatabaseUrl,
  haveMeili,
  itMeili,
  meiliEnv,
  meiliSkipReason,
  sleep,
  testConfig,
  testMeiliIndex,
  TestHub,
  waitFor,
  type GraphQLResponse,
  type Identity,
} from '../support/hub';
import { runHubCommand, startHubProcess, stopAllHubProcesses } from '../support/process';
import { consumedAll, consumerCursor, meiliDoc, meiliUids, waitIndexed } from './meili.support';

const STAFF: Identity = { role: 'STAFF', sub: 'outbox-staff' };
const WORD = `martı${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 5)}`;
const suite = `the search outbox and reindex on Meilisearch${haveMeili ? '' : ` (skipped: ${meiliSkipReason})`}`;

const hubs: TestHub[] = [];
const servers: MeiliServer[] = [];
const dirs: string[] = [];
const indexes: { client: Meilisearch; index: string }[] = [];

// Hubs on one database share the consumer's cursor: each test's hubs stop before the next test starts its own.
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close().catch(() => undefined);
  await stopAllHubProcesses();
  for (const s of servers.splice(0)) await s.stop();
});

afterAll(async () => {
  for (const { client, index } of indexes) {
    for (const i of (await client.getRawIndexes({ limit: 1000 }).catch(() => ({ results: [] }))).results) {
      if (i.uid === index || i.uid.startsWith(`${index}_next_`)) await client.deleteIndexIfExists(i.uid).catch(() => undefined);
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

/** A hub in this process with a log we can read (warnings and above). */
/**
 * The tests that kill hub processes in the middle of their work run on a database of their own, so that nothing a
 * killed process left behind (consumer leases, running jobs, for up to five minutes) reaches other tests.
 */
const OWN_DATABASE: Record<string, string> = { DATABASE_URL: dedicatedDatabaseUrl('outbox') };

async function hubWithLog(env: Record<string, string>) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = testConfig({ ...env, LOG_LEVEL: 'warn' });
  const hub = new TestHub(await startHub(config, pino({ level: 'warn' }, stream)));
  hubs.push(hub);
  const options = meiliOptions(hub.hub.config)!;
  return { hub, lines, em: () => hub.hub.orm.em.fork() as EntityManager, index: options.index };
}

async function createInstitution(send: (input: Record<string, unknown>) => Promise<GraphQLResponse<unknown>>, officialName: string) {
  const res = (await send({ officialName, country: 'TR', kind: 'HEI', city: 'Sinop' })) as GraphQLResponse<{
    createInstitution: { id: string; version: number };
  }>;
  const created = ok(res).createInstitution;
  return { ...created, uuid: fromGlobalId(created.id, 'Institution') };
}

const consumerFailures = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.consumer === MEILI_CONSUMER && String(l.msg).startsWith('outbox consumer failed'));

describe(suite, () => {
  itMeili(
    'the outbox survives a Meilisearch outage: the consumer fails, keeps its cursor, backs off, and drains the backlog afterwards',
    async () => {
      // A Meilisearch of this test's own, to stop and start again on the same port and data.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-meili-outage-'));
      dirs.push(dir);
      const masterKey = 'outage-test-master-key-0123456789';
      let server = await startMeiliServer({ dir, masterKey });
      servers.push(server);
      const port = server.port;
      const index = testMeiliIndex();
      const client = meiliClient({ url: server.url, apiKey: masterKey, timeoutMs: 2000 });
      indexes.push({ client, index });
      const { hub, lines, em } = await hubWithLog({ ...{ ...meiliEnv(index), ...OWN_DATABASE }, MEILI_URL: server.url, MEILI_API_KEY: masterKey });
      const create = (name: string) => createInstitution((input) => hub.request(DirectoryCreateInstitutionDocument, { input } as never, STAFF), name);

      const first = await create(`Sinop Burnu ${WORD} Üniversitesi`);
      await waitIndexed(client, index, [`INSTITUTION-${first.uuid}`], 30_000);

      await server.stop();
      const backlog: { uuid: string }[] = [];
      for (let i = 1; i <= 5; i++) backlog.push(await create(`Sinop Fener ${WORD} ${i} Üniversitesi`));
      const renamed = ok(
        await hub.request(DirectoryUpdateInstitutionDocument, { input: { id: first.id, version: first.version, city: 'Samsun' } } as never, STAFF),
      );
      expect(renamed).toBeTruthy();

      // The consumer tries, fails and keeps its cursor before the backlog ...
      await waitFor(() => consumerFailures(lines).length >= 1, 10_000, 'a failed consumer round');
      expect(await consumedAll(em(), backlog.map((b) => b.uuid))).toBe(false);
      const failure = consumerFailures(lines)[0];
      expect(failure).toMatchObject({ level: 40, failures: 1, retryInMs: 1000 });
      // ... and backs off instead of retrying on every poll (JOBS_POLL_MS is 100 ms here): 1 s, 2 s, 4 s ...
      await sleep(3500);
      const failures = consumerFailures(lines);
      expect(failures.length).toBeGreaterThanOrEqual(2);
      expect(failures.length).toBeLessThanOrEqual(3);
      expect(failures.map((f) => f.retryInMs)).toEqual([1000, 2000, 4000].slice(0, failures.length));
      const cursorDuringOutage = await consumerCursor(em());
      expect(cursorDuringOutage?.leasedBy).toBeNull();

      // Meilisearch comes back (same port, same data): the backlog drains on the next attempt.
      server = await startMeiliServer({ dir, masterKey, port });
      servers.push(server);
      const back = Date.now();
      await waitIndexed(client, index, backlog.map((b) => `INSTITUTION-${b.uuid}`), 30_000);
      await waitFor(async () => (await meiliDoc(client, index, `INSTITUTION-${first.uuid}`))?.city === 'Samsun', 10_000, 'the update');
      // Within the backoff then in use (at most 8 s at this point), not the 30 s ceiling.
      expect(Date.now() - back).toBeLessThan(15_000);
      await waitFor(async () => consumedAll(em(), [first.uuid, ...backlog.map((b) => b.uuid)]), 10_000, 'the cursor past the backlog');
    },
    90_000,
  );

  itMeili(
    'the outbox survives a killed process: changes made before indexing are indexed by the next hub on the database',
    async () => {
      const index = testMeiliIndex();
      const env = { ...meiliEnv(index), ...OWN_DATABASE };
      const client = meiliClient({ url: env.MEILI_URL, apiKey: env.MEILI_API_KEY, timeoutMs: 2000 });
      indexes.push({ client, index });
      // The first hub cannot reach Meilisearch (nothing listens on that port), so nothing gets indexed before the kill.
      const deadPort = await freePort();
      const child = await startHubProcess({ ...env, MEILI_URL: `http://127.0.0.1:${deadPort}` }, { label: 'hub-to-kill' });
      const token = await signDevelopmentToken(testConfig(), { sub: 'outbox-staff', roles: ['STAFF'], units: [] });
      const made: { uuid: string }[] = [];
      for (let i = 1; i <= 6; i++) {
        made.push(
          await createInstitution((input) => child.request(DirectoryCreateInstitutionDocument, { input } as never, token), `Ordu Kıyı ${WORD} ${i} Üniversitesi`),
        );
      }
      await child.waitForLog((l) => l.consumer === MEILI_CONSUMER && String(l.msg).startsWith('outbox consumer failed'), 15_000, 'a failed consumer round');
      child.signal('SIGKILL');
      expect(await child.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });

      // A new hub on the same database, with Meilisearch reachable: every change arrives.
      const { em } = await hubWithLog(env);
      await expireLeasesOf(em(), child.pid);
      await waitIndexed(client, index, made.map((m) => `INSTITUTION-${m.uuid}`), 30_000);
      await waitFor(() => consumedAll(em(), made.map((m) => m.uuid)), 10_000, 'the cursor past the changes');
    },
    90_000,
  );

  itMeili(
    'the outbox survives a process killed while indexing: every change arrives once the next hub runs',
    async () => {
      const index = testMeiliIndex();
      const env = { ...meiliEnv(index), ...OWN_DATABASE };
      const client = meiliClient({ url: env.MEILI_URL, apiKey: env.MEILI_API_KEY, timeoutMs: 2000 });
      indexes.push({ client, index });
      const child = await startHubProcess(env, { label: 'hub-killed-while-indexing' });
      const token = await signDevelopmentToken(testConfig(), { sub: 'outbox-staff', roles: ['STAFF'], units: [] });
      const made: { uuid: string }[] = [];
      const create = async (i: number) =>
        made.push(
          await createInstitution((input) => child.request(DirectoryCreateInstitutionDocument, { input } as never, token), `Giresun Ada ${WORD} ${i} Üniversitesi`),
        );
      // Changes keep coming until the worker is seen indexing them; a few more, and the process dies in the middle.
      let i = 0;
      const deadline = Date.now() + 30_000;
      while (!(await meiliDoc(client, index, `INSTITUTION-${made[0]?.uuid}`))) {
        if (Date.now() > deadline) throw new Error(`the worker indexed nothing within 30 s\n${child.output()}`);
        await create(++i);
      }
      for (let k = 0; k < 8; k++) await create(++i);
      child.signal('SIGKILL');
      await child.waitForExit();
      const before = (await Promise.all(made.map((m) => meiliDoc(client, index, `INSTITUTION-${m.uuid}`)))).filter(Boolean).length;
      // It was killed while indexing: some changes were in Meilisearch, not all of them.
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(made.length);

      const { em } = await hubWithLog(env);
      // A consumer's lease held by the killed process would expire after 5 minutes: expired here at once.
      await expireLeasesOf(em(), child.pid);
      await waitIndexed(client, index, made.map((m) => `INSTITUTION-${m.uuid}`), 30_000);
      await waitFor(() => consumedAll(em(), made.map((m) => m.uuid)), 10_000, 'the cursor past the changes');
    },
    90_000,
  );

  itMeili(
    'reindex builds a fresh index, swaps it in and deletes the old one; the drift check finds a document deleted behind the hub’s back',
    async () => {
      const index = testMeiliIndex();
      // The worker's own database: the killed processes above leave theirs with leases and running jobs to expire.
      const env = meiliEnv(index);
      const { hub, em } = await hubWithLog(env);
      const client = meiliClient({ url: env.MEILI_URL, apiKey: env.MEILI_API_KEY, timeoutMs: 5000 });
      indexes.push({ client, index });
      const inst = await createInstitution((input) => hub.request(DirectoryCreateInstitutionDocument, { input } as never, STAFF), `Amasra Koy ${WORD} Üniversitesi`);
      await waitIndexed(client, index, [`INSTITUTION-${inst.uuid}`], 60_000);
      // A document that should not be there, written behind the hub's back: reindex must drop it.
      await succeeded(
        client,
        client.index(index).addDocuments([{ ...(await meiliDoc(client, index, `INSTITUTION-${inst.uuid}`)), uid: 'INSTITUTION-stale', id: 'stale' }]),
        'stale document',
      );

      const run = await runHubCommand(['reindex'], env, 120_000);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/Reindexed \d+ documents/);
      expect(run.stdout).toMatch(new RegExp(`Meilisearch: built ${index}_next_\\d+ and swapped it in as ${index}; the previous index was deleted`));
      // Plain progress lines when stderr is not a terminal.
      expect(run.stderr).toMatch(/^documents: \d+\/\d+$/m);

      // The live index is the new one, equal to the database (the stale document is gone); no _next_ index is left.
      const names = (await client.getRawIndexes({ limit: 1000 })).results.map((i) => i.uid);
      expect(names.filter((n) => n.startsWith(`${index}_next_`))).toEqual([]);
      const expected = new Set<string>();
      for await (const refs of allSearchRefs(em())) for (const d of (await buildSearchDocuments(em(), refs)).upserts) expected.add(d.uid);
      const actual = await meiliUids(client, index);
      expect(actual.length).toBe(expected.size);
      expect(new Set(actual)).toEqual(expected);
      expect((await client.index(index).getSettings()).localizedAttributes).toHaveLength(2);

      const clean = await runHubCommand(['reindex', '--check'], env, 60_000);
      expect({ code: clean.code, stdout: clean.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('No drift') });

      // A document deleted behind the hub's back: the drift check reports it and exits 1. The hub's worker is stopped
      // first, so that no late event of the institution writes the document again before the check runs.
      await hub.hub.jobs.stop();
      await succeeded(client, client.index(index).deleteDocument(`INSTITUTION-${inst.uuid}`), 'deletion');
      const drift = await runHubCommand(['reindex', '--check'], env, 60_000);
      expect(drift.code).toBe(1);
      expect(drift.stdout).toMatch(/^INSTITUTION\s+(\d+)\s+(\d+)\s+(\d+)\s+<- differs$/m);
      const [, db, meili, pg] = /^INSTITUTION\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(drift.stdout)!.map(Number);
      expect(meili).toBe(db - 1);
      expect(pg).toBe(db);
      expect(drift.stdout).toContain('Drift:');

      // After reindex: no drift, the document is back.
      expect((await runHubCommand(['reindex'], env, 120_000)).code).toBe(0);
      expect(await meiliDoc(client, index, `INSTITUTION-${inst.uuid}`)).not.toBeNull();
      expect((await runHubCommand(['reindex', '--check'], env, 60_000)).code).toBe(0);
    },
    240_000,
  );
});

/** The lease a killed instance held (its id starts with its pid) expires now instead of after LEASE_SECONDS. */
async function expireLeasesOf(em: EntityManager, pid: number): Promise<void> {
  await em.execute(`update outbox_consumer set leased_until = now() - interval '1 second' where leased_by like ?`, [`${pid}-%`]);
  await em.execute(`update job set locked_until = now() - interval '1 second' where state = 'running' and locked_by like ?`, [`${pid}-%`]);
}
