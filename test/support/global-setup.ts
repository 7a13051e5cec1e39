/**
 * Runs once, in jest's parent process (PGlite cannot start inside jest's module sandbox). Each jest worker gets
 * its own database: a fresh PostgreSQL database per worker when DATABASE_URL is set, otherwise an in-memory
 * PGlite per worker served on a loopback socket. Workers read TEST_DATABASE_URL_<worker id>.
 *
 * Meilisearch: one server for the whole run (the bundled binary, on a free loopback port, data in a temporary folder)
 * unless MEILI_URL points at one already; workers read TEST_MEILI_URL and TEST_MEILI_API_KEY, and every test hub that
 * wants it uses its own index (test/support/hub.ts meiliEnv()). Without binary or URL the Meilisearch tests are skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { meiliBinaryPath, startMeiliServer } from '../../src/modules/search/meili-server';

const WORKERS = 2;
/**
 * Databases: one per worker, and one each for the suites that would leave a worker's database unlike the others
 * expect it: the whole reference directory (`full`: search relevance; `import`: the importer), hub processes killed
 * mid-work (`outbox`), and the outbox reader's tests, which need no other writer at all (`reader`).
 */
const DATABASES = [...Array.from({ length: WORKERS }, (_, i) => String(i + 1)), 'full', 'import', 'outbox', 'reader'];

declare global {
  // eslint-disable-next-line no-var
  var __embeddedTestDatabases: { stop(): Promise<void> }[] | undefined;
  // eslint-disable-next-line no-var
  var __testMeili: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(): Promise<void> {
  await startTestMeili();
  const base = process.env.DATABASE_URL;
  process.env.TEST_RUN_ID = `${Date.now().toString(36)}${process.pid}`;
  if (base) {
    process.env.TEST_DB_KIND = 'postgres';
    const admin = new Client({ connectionString: base });
    await admin.connect();
    try {
      for (const w of DATABASES) {
        const name = `iro_hub_test_${process.env.TEST_RUN_ID}_${w}`;
        await admin.query(`drop database if exists ${name}`);
        await admin.query(`create database ${name}`);
        const url = new URL(base);
        url.pathname = `/${name}`;
        process.env[`TEST_DATABASE_URL_${w}`] = url.toString();
      }
    } finally {
      await admin.end();
    }
    console.log(`\n[test] PostgreSQL lane: ${WORKERS} fresh databases on ${new URL(base).host}`);
    return;
  }
  process.env.TEST_DB_KIND = 'pglite';
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  globalThis.__embeddedTestDatabases = [];
  for (const w of DATABASES) {
    const db = await PGlite.create({ extensions: { pg_trgm, unaccent } });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
    await server.start();
    process.env[`TEST_DATABASE_URL_${w}`] = `postgresql://postgres@${server.getServerConn()}/postgres`;
    globalThis.__embeddedTestDatabases.push({
      stop: async () => {
        await server.stop();
        await db.close();
      },
    });
  }
  console.log(`\n[test] embedded lane: ${WORKERS} in-memory PGlite databases (set DATABASE_URL for PostgreSQL)`);
}

async function startTestMeili(): Promise<void> {
  if (process.env.MEILI_URL) {
    process.env.TEST_MEILI_URL = process.env.MEILI_URL;
    process.env.TEST_MEILI_API_KEY = process.env.MEILI_API_KEY ?? '';
    console.log(`\n[test] Meilisearch: ${process.env.MEILI_URL} (MEILI_URL)`);
    return;
  }
  const binary = meiliBinaryPath();
  if (!binary) {
    process.env.TEST_MEILI_SKIP = `no Meilisearch: the bundled binary is Linux x64 only (${process.platform} ${process.arch}) and MEILI_URL is not set`;
    console.log(`\n[test] ${process.env.TEST_MEILI_SKIP}; the Meilisearch tests are skipped`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-meili-'));
  const masterKey = `test-master-key-${process.pid}-${Date.now()}`;
  const server = await startMeiliServer({ dir, masterKey, binary });
  process.env.TEST_MEILI_URL = server.url;
  process.env.TEST_MEILI_API_KEY = masterKey;
  globalThis.__testMeili = {
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  console.log(`\n[test] Meilisearch 1.21 (bundled binary) on ${server.url}`);
}
