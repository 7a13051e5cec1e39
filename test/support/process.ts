/**
 * The real hub as a child process (`node dist/main.js <command>`, built by `npm test`'s pretest or `npm run
 * build`), for what an in-process hub cannot show: several instances, signals, exit codes, the embedded default.
 * Every child started here is stopped by `stopAllHubProcesses()` (call it in afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { testEnv, type GraphQLResponse } from './hub';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(REPO_ROOT, 'dist', 'main.js');

/** Overrides for the child's environment; `undefined` or '' leaves a variable unset (the hub treats '' as unset). */
export type EnvOverrides = Record<string, string | undefined>;

const tempDirs: string[] = [];

/** A fresh data directory, removed by stopAllHubProcesses(). */
export function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-proc-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * testEnv() plus overrides, on a minimal inherited environment (so that the developer's DATABASE_URL, REDIS_URL,
 * ... never leak in). Variables the hub would otherwise read from a `.env` in the repository root are set
 * explicitly, an unset one as '' (which the hub treats as unset and which wins over `.env`).
 */
export function childEnv(overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot']) if (process.env[key]) env[key] = process.env[key];
  const neutral = { REDIS_URL: '', OIDC_JWKS_URL: '', OIDC_ISSUER: '', OIDC_AUDIENCE: '', CORS_ORIGINS: '' };
  const merged: Record<string, string | undefined> = { ...neutral, DATA_DIR: tempDataDir(), ...testEnv(), LOG_LEVEL: 'info', ...overrides };
  for (const [key, value] of Object.entries(merged)) env[key] = value ?? '';
  return env;
}

function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it in pretest)`);
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A pino log line of the child. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const running = new Set<HubProcess>();

export class HubProcess {
  private out = '';
  private err = '';
  private status?: ExitStatus;
  readonly exited: Promise<ExitStatus>;
  private lineWaiters: (() => void)[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
      this.lineWaiters.splice(0).forEach((w) => w());
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
      this.lineWaiters.splice(0).forEach((w) => w());
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.status = { code, signal };
        running.delete(this);
        this.lineWaiters.splice(0).forEach((w) => w());
        resolve(this.status);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The exit status, once the process has exited. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** The JSON log lines written so far (other stdout lines are skipped). */
  logs(): LogLine[] {
    const lines: LogLine[] = [];
    for (const line of this.out.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // a partial line still being written
      }
    }
    return lines;
  }

  /** Waits for a log line matching `match`; fails when the process exits first or after `ms`. */
  async waitForLog(match: (line: LogLine) => boolean, ms: number, what: string): Promise<LogLine> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.logs().find(match);
      if (found) return found;
      if (this.status) throw new Error(`${this.label} exited (${JSON.stringify(this.status)}) before ${what}\n${this.output()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: no ${what} within ${ms} ms\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.lineWaiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  /** Waits for the exit (failing after `ms`). */
  async waitForExit(ms = 20_000): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label} did not exit within ${ms} ms\n${this.output()}`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.status) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `ms`. */
  async stop(ms = 15_000): Promise<ExitStatus> {
    if (this.status) return this.status;
    this.signal('SIGTERM');
    try {
      return await this.waitForExit(ms);
    } catch {
      this.signal('SIGKILL');
      return this.exited;
    }
  }

  /** Both streams, for failure messages. */
  output(): string {
    return `--- ${this.label} stdout ---\n${this.out.slice(-4000)}\n--- ${this.label} stderr ---\n${this.err.slice(-4000)}`;
  }
}

/** A started hub process: its address and client helpers. */
export class RunningHubProcess extends HubProcess {
  url = '';
  port = 0;
  ready?: LogLine;
  private clients: Client[] = [];

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `${this.origin}/graphql`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/graphql`;
  }

  /** A typed operation over HTTP, with a bearer token or none. */
  async request<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables?: V,
    token?: string,
  ): Promise<GraphQLResponse<R>> {
    const res = await fetch(this.httpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { errors: [{ message: text }] };
    }
    return { status: res.status, headers: res.headers, ...json } as GraphQLResponse<R>;
  }

  /**
   * A graphql-ws client that connects at once and does not reconnect; closed by stopAllHubProcesses(). Watch
   * `on('closed')` / `on('error')` for the connection's end (not printed to the console).
   */
  ws(token?: string): Client {
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    });
    this.clients.push(client);
    return client;
  }

  async disposeClients(): Promise<void> {
    for (const c of this.clients.splice(0)) await c.dispose();
  }
}

function spawnMain<T extends HubProcess>(
  Kind: new (child: ChildProcess, label: string) => T,
  args: string[],
  env: NodeJS.ProcessEnv,
  label: string,
): T {
  assertBuilt();
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new Kind(child, label);
  running.add(proc);
  return proc;
}

/**
 * Starts `node dist/main.js start` and resolves once it has logged "IRO Hub ready" (with its URL and port).
 * PORT=0 and HOST=127.0.0.1 come from testEnv().
 */
export async function startHubProcess(
  overrides: EnvOverrides = {},
  opts: { label?: string; readyWithinMs?: number } = {},
): Promise<RunningHubProcess> {
  const proc = spawnMain(RunningHubProcess, ['start'], childEnv(overrides), opts.label ?? 'hub');
  try {
    const ready = await proc.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('IRO Hub ready'), opts.readyWithinMs ?? 20_000, 'ready line');
    proc.ready = ready;
    proc.url = String(ready.url);
    proc.port = Number(new URL(proc.url).port);
    return proc;
  } catch (e) {
    await proc.stop(2000);
    throw e;
  }
}

/** Runs a one-shot command (`token`, `migrate`, ...) to its end and returns its exit status and output. */
export async function runHubCommand(
  args: string[],
  overrides: EnvOverrides = {},
  ms = 20_000,
): Promise<ExitStatus & { stdout: string; stderr: string; logs: LogLine[] }> {
  const proc = spawnMain(HubProcess, args, childEnv(overrides), `main.js ${args.join(' ')}`);
  let status: ExitStatus;
  try {
    status = await proc.waitForExit(ms);
  } catch (e) {
    proc.signal('SIGKILL');
    throw e;
  }
  return { ...status, stdout: proc.stdout, stderr: proc.stderr, logs: proc.logs() };
}

/** Stops every child this helper started that is still running, then removes their data directories (afterAll). */
export async function stopAllHubProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (proc) => {
      if (proc instanceof RunningHubProcess) await proc.disposeClients().catch(() => undefined);
      await proc.stop(10_000);
    }),
  );
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * One HTTP GET on a fresh connection (no keep-alive pool), resolving to the status or to the connection error's
 * code (ECONNREFUSED, ...), or 'TIMEOUT'.
 */
export function probe(url: string, ms = 1000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: ms }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => {
      req.destroy();
      resolve('TIMEOUT');
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
