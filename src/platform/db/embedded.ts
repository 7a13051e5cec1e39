import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logging/logger';

/**
 * The embedded default: PGlite (PostgreSQL in WebAssembly) with its data under `<dataDir>/pglite`, served on a
 * loopback socket so that the hub's pool and command-line tasks (import, seed, ...) talk to it as to any
 * PostgreSQL. The address is recorded in `<dataDir>/embedded-db.json` while the owner runs: a task started
 * while the hub runs connects there instead of opening the same files twice (which PGlite cannot share).
 */
export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

interface EmbeddedRecord {
  pid: number;
  port: number;
  startedAt: string;
}

export const EMBEDDED_MAX_CONNECTIONS = 32;

const recordPath = (dataDir: string) => path.join(dataDir, 'embedded-db.json');
const urlFor = (port: number) => `postgresql://postgres@127.0.0.1:${port}/postgres`;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** The URL of an embedded database another process of this data directory serves, if one is running. */
export async function findRunningEmbedded(dataDir: string): Promise<{ url: string; pid: number } | undefined> {
  const file = recordPath(dataDir);
  if (!existsSync(file)) return undefined;
  let record: EmbeddedRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedRecord;
  } catch {
    return undefined;
  }
  if (record.pid === process.pid || !processAlive(record.pid) || !(await portAnswers(record.port))) return undefined;
  return { url: urlFor(record.port), pid: record.pid };
}

export async function startEmbeddedDatabase(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const running = await findRunningEmbedded(dataDir);
  if (running) {
    throw new Error(
      `the embedded database in ${dataDir} is already served by process ${running.pid}; stop it or connect to ${running.url}`,
    );
  }
  const dir = path.join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  // PGlite and its socket server are ESM-only; Node 20.19+ loads them through require().
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(dir, { extensions: { pg_trgm, unaccent } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  const record: EmbeddedRecord = { pid: process.pid, port, startedAt: new Date().toISOString() };
  writeFileSync(recordPath(dataDir), JSON.stringify(record, null, 2));
  log.info({ dir, port, ms: Date.now() - started }, 'embedded PostgreSQL (PGlite) ready');
  let closed = false;
  return {
    url: urlFor(port),
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      await db.close();
      const file = recordPath(dataDir);
      if (existsSync(file)) {
        const current = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedRecord;
        if (current.pid === process.pid) rmSync(file);
      }
    },
  };
}
