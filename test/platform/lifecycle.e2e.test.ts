/**
 * The hub as a process: graceful shutdown on SIGTERM, the embedded default (PGlite under DATA_DIR, shared with
 * command-line tasks through its socket, persistent across restarts), and what production refuses.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { AddUnitDocument, HomeInstitutionDocument, MeDocument, UnitsDocument } from '../generated/graphql';
import { signDevelopmentToken } from '../../src/platform/auth/tokens';
import { dbKind, sleep, testConfig, waitFor, workerDatabaseUrl } from '../support/hub';
import { probe, runHubCommand, startHubProcess, stopAllHubProcesses, tempDataDir, type EnvOverrides } from '../support/process';

const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;
const pgClients: Client[] = [];

afterAll(async () => {
  for (const c of pgClients) await c.end().catch(() => undefined);
  await stopAllHubProcesses();
});

describe('graceful shutdown', () => {
  it('on SIGTERM refuses new connections, finishes the in-flight query, closes WebSockets and exits with 0', async () => {
    const hub = await startHubProcess({ SHUTDOWN_TIMEOUT_MS: '10000' }, { label: 'hub' });
    const staff = await signDevelopmentToken(testConfig(), { sub: 'lifecycle-staff', roles: ['STAFF'], units: [] });

    const ws = hub.ws(staff);
    let closeCode: number | undefined;
    ws.on('closed', (event) => {
      closeCode = (event as { code?: number }).code;
    });
    await new Promise<void>((resolve, reject) => {
      ws.on('connected', () => resolve());
      ws.on('error', reject);
    });

    // A separate connection (not one of the hub's pool) holds a lock that the query below has to wait for.
    const lock = new Client({ connectionString: workerDatabaseUrl(), application_name: 'lifecycle-lock' });
    pgClients.push(lock);
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE organisational_unit IN ACCESS EXCLUSIVE MODE');

    let settled = false;
    const inFlight = hub.request(UnitsDocument, { first: 5 }).finally(() => (settled = true));
    if (dbKind() === 'postgres') {
      await waitFor(
        async () =>
          (await lock.query<{ n: number }>(`select count(*)::int as n from pg_locks where relation = 'organisational_unit'::regclass and not granted`))
            .rows[0].n > 0,
        5000,
        'the query to wait for the lock',
      );
    } else {
      // PGlite queues every other connection's statements behind the open transaction: nothing to observe but time.
      await sleep(500);
    }
    expect(settled).toBe(false);

    hub.signal('SIGTERM');
    const signalledAt = Date.now();
    await waitFor(
      async () => {
        const answer = await probe(`${hub.origin}/readyz`, 500);
        return answer === 'ECONNREFUSED' || answer === 503;
      },
      5000,
      'new connections to be refused (or /readyz to answer 503)',
    );
    await waitFor(() => closeCode !== undefined, 5000, 'the WebSocket to be closed');
    expect(closeCode).toBe(1001); // Going away: closed by the server, not a dropped connection
    // The query stays in flight for a while into the shutdown (longer than a careless drain would wait) ...
    await sleep(Math.max(0, signalledAt + 700 - Date.now()));
    expect(settled).toBe(false);
    expect(hub.exitStatus).toBeUndefined();

    // ... and still completes once the lock is gone.
    await lock.query('COMMIT');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.organisationalUnits.edges).toHaveLength(5);

    expect(await hub.waitForExit(15_000)).toEqual({ code: 0, signal: null });
    const messages = hub.logs().map((l) => l.msg);
    expect(messages).toContain('shutting down: finishing in-flight operations');
    expect(messages).toContain('stopped');
  });
});

describe('the embedded default', () => {
  it('serves PGlite under DATA_DIR with the demo seed, shares it with CLI tasks, and keeps its data across a restart without seeding twice', async () => {
    const dataDir = tempDataDir();
    // No DATABASE_URL, no JWT_SECRET, the default bus: what `npm start` does on a fresh checkout.
    const env: EnvOverrides = { DATABASE_URL: '', JWT_SECRET: '', EVENT_BUS: '', DATA_DIR: dataDir, PORT: '0' };
    const first = await startHubProcess(env, { label: 'embedded hub', readyWithinMs: 30_000 });
    expect(first.ready).toMatchObject({ embedded: true, bus: 'memory' });
    const firstMessages = first.logs().map((l) => l.msg);
    expect(first.logs().find((l) => l.msg === 'embedded PostgreSQL (PGlite) ready')).toMatchObject({ dir: path.join(dataDir, 'pglite') });
    expect(firstMessages).toContain('empty database: demo data loaded from seeds/demo');

    const home = await first.request(HomeInstitutionDocument, {});
    expect(home.errors).toBeUndefined();
    expect(home.data!.homeInstitution.name).toBe('Örnek Üniversitesi');

    const record = JSON.parse(readFileSync(path.join(dataDir, 'embedded-db.json'), 'utf8')) as { pid: number; port: number };
    expect(record.pid).toBe(first.pid);

    // A task while the hub runs: it finds the demo user through the hub's socket (debug log), not by opening the files.
    const token = await runHubCommand(['token', '--role', 'STAFF'], { ...env, LOG_LEVEL: 'debug' });
    expect(token.code).toBe(0);
    expect(token.logs.find((l) => l.msg === 'using the embedded database of the running hub')).toMatchObject({ pid: first.pid });
    expect(token.logs.map((l) => l.msg)).not.toContain('embedded PostgreSQL (PGlite) ready');
    const jwt = token.stdout.trim().split('\n').pop()!;
    expect(jwt).toMatch(JWT);

    const me = await first.request(MeDocument, {}, jwt);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toMatchObject({ subject: 'demo-staff', roles: ['STAFF'] });

    const code = `LIFE${Date.now().toString(36).toUpperCase()}`;
    const added = await first.request(AddUnitDocument, { input: { kind: 'OFFICE', code, name: { tr: 'Kalıcı Ofis' } } }, jwt);
    expect(added.errors).toBeUndefined();
    const before = await first.request(UnitsDocument, { first: 1 });
    const unitCount = before.data!.organisationalUnits.totalCount;

    expect(await first.stop()).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dataDir, 'embedded-db.json'))).toBe(false);

    const second = await startHubProcess(env, { label: 'embedded hub (restarted)', readyWithinMs: 30_000 });
    const secondMessages = second.logs().map((l) => l.msg);
    expect(secondMessages).toContain('embedded PostgreSQL (PGlite) ready');
    expect(secondMessages).not.toContain('empty database: demo data loaded from seeds/demo');
    expect(secondMessages).not.toContain('migrations applied');

    const kept = await second.request(UnitsDocument, { first: 5, filter: { search: code } });
    expect(kept.errors).toBeUndefined();
    expect(kept.data!.organisationalUnits.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ id: added.data!.addOrganisationalUnit.id, code, name: 'Kalıcı Ofis' }),
    ]);
    expect((await second.request(UnitsDocument, { first: 1 })).data!.organisationalUnits.totalCount).toBe(unitCount);
    // The development secret persisted too: the token signed before the restart still works.
    expect((await second.request(MeDocument, {}, jwt)).data!.me).toMatchObject({ subject: 'demo-staff' });

    expect(await second.stop()).toEqual({ code: 0, signal: null });
    // A fresh PGlite data directory takes several seconds to initialise (more on a loaded machine).
  }, 90_000);
});

describe('production refusals', () => {
  it('refuses to print a development token with NODE_ENV=production', async () => {
    const res = await runHubCommand(['token', '--role', 'STAFF'], { NODE_ENV: 'production' });
    expect(res.code).not.toBe(0);
    expect(res.stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(res.stderr).toContain('production');
  });

  it('refuses to start in production without JWT_SECRET, naming it', async () => {
    const res = await runHubCommand(['start'], { NODE_ENV: 'production', JWT_SECRET: '' });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('JWT_SECRET');
    expect(res.logs.find((l) => l.msg.startsWith('IRO Hub ready'))).toBeUndefined();
  });
});
