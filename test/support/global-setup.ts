/**
 * Runs once, in jest's parent process (PGlite cannot start inside jest's module sandbox). Each jest worker gets
 * its own database: a fresh PostgreSQL database per worker when DATABASE_URL is set, otherwise an in-memory
 * PGlite per worker served on a loopback socket. Workers read TEST_DATABASE_URL_<worker id>.
 */
import { Client } from 'pg';

const WORKERS = 2;

declare global {
  // eslint-disable-next-line no-var
  var __embeddedTestDatabases: { stop(): Promise<void> }[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  const base = process.env.DATABASE_URL;
  process.env.TEST_RUN_ID = `${Date.now().toString(36)}${process.pid}`;
  if (base) {
    process.env.TEST_DB_KIND = 'postgres';
    const admin = new Client({ connectionString: base });
    await admin.connect();
    try {
      for (let w = 1; w <= WORKERS; w++) {
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
  for (let w = 1; w <= WORKERS; w++) {
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
