/**
 * Test harness: starts the real hub (HTTP and WebSocket on a random port) against this worker's database and
 * talks to it the way clients do. Operations are the typed documents that codegen builds from test/operations.
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../src/config/config';
import { startHub, type Hub } from '../../src/hub';
import { signDevelopmentToken } from '../../src/platform/auth/tokens';
import type { Role } from '../../src/platform/auth/viewer';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export const dbKind = (): 'postgres' | 'pglite' => (process.env.TEST_DB_KIND === 'postgres' ? 'postgres' : 'pglite');

export function workerDatabaseUrl(): string {
  const url = process.env[`TEST_DATABASE_URL_${process.env.JEST_WORKER_ID ?? '1'}`];
  if (!url) throw new Error('no test database: run the tests through jest (test/support/global-setup.ts)');
  return url;
}

/**
 * A database of its own for a suite that imports the whole reference directory (15,000 institutions): `full` for
 * search relevance, `import` for the importer. The workers' databases keep the small demo directory (and short outbox)
 * other suites count on.
 */
export function dedicatedDatabaseUrl(name: 'full' | 'import' | 'outbox' | 'reader'): string {
  const url = process.env[`TEST_DATABASE_URL_${name}`];
  if (!url) throw new Error('no test database: run the tests through jest (test/support/global-setup.ts)');
  return url;
}

/** The environment a test hub runs with; PGlite cannot carry LISTEN/NOTIFY, so its lane uses the memory bus. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: workerDatabaseUrl(),
    DATABASE_POOL_MAX: '4',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    EVENT_BUS: dbKind() === 'postgres' ? 'postgres' : 'memory',
    OUTBOX_POLL_MS: '200',
    JOBS_POLL_MS: '100',
    EXPOSE_SQL_COUNT: 'true',
    // Test hubs search with PostgreSQL unless a test asks for Meilisearch with meiliEnv() (indexing costs time).
    MEILI_URL: '',
    MEILI_EMBEDDED: 'false',
    ...overrides,
  };
}

/** True when this run has a Meilisearch server (the bundled binary, or MEILI_URL): see test/support/global-setup.ts. */
export const haveMeili = !!process.env.TEST_MEILI_URL;

/** Why the Meilisearch tests are skipped, for the test names (empty when they run). */
export const meiliSkipReason = haveMeili ? '' : (process.env.TEST_MEILI_SKIP ?? 'no Meilisearch server for this run');

/** `it` when Meilisearch is available, else `it.skip` (reported as skipped, never passed). */
export const itMeili: jest.It = haveMeili ? it : it.skip;

/** A fresh index name for this worker: parallel tests never share an index. */
export function testMeiliIndex(): string {
  return `hub_w${process.env.JEST_WORKER_ID ?? '1'}_${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * testEnv() overrides for a hub that uses this run's Meilisearch server, with an index of its own (pass `index` to
 * share one between hubs of a test).
 */
export function meiliEnv(index = testMeiliIndex()): Record<string, string> {
  if (!haveMeili) throw new Error(`Meilisearch is not available: ${meiliSkipReason}`);
  return {
    MEILI_URL: process.env.TEST_MEILI_URL!,
    MEILI_API_KEY: process.env.TEST_MEILI_API_KEY ?? '',
    MEILI_INDEX: index,
    MEILI_EMBEDDED: 'false',
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  // A temporary working directory: no developer's .env or .data is read.
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-test-'));
  return loadConfig(testEnv(overrides), cwd);
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
  extensions?: { sqlStatements?: number; [k: string]: unknown };
  headers: Headers;
}

export interface Identity {
  role?: Role;
  roles?: Role[];
  sub?: string;
  units?: string[];
}

export class TestHub {
  readonly httpUrl: string;
  readonly wsUrl: string;
  private clients: Client[] = [];

  constructor(readonly hub: Hub) {
    this.httpUrl = `http://127.0.0.1:${hub.port}/graphql`;
    this.wsUrl = `ws://127.0.0.1:${hub.port}/graphql`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.hub.port}`;
  }

  /** A development token as the token command would sign it. */
  token(who: Identity): Promise<string> {
    const roles = who.roles ?? (who.role ? [who.role] : []);
    return signDevelopmentToken(this.hub.config, {
      sub: who.sub ?? `test-${roles.join('-').toLowerCase() || 'user'}`,
      roles,
      units: who.units ?? [],
    });
  }

  /** Sends a typed operation over HTTP, as a given identity (none: a public visitor). */
  async request<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables?: V,
    as?: Identity | { token: string },
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<R>> {
    const token = as ? ('token' in as ? as.token : await this.token(as)) : undefined;
    return this.raw({ query: print(document), variables }, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
  }

  /** Sends any body (for malformed or hand-written requests). */
  async raw(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<never>> {
    const res = await fetch(this.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { errors: [{ message: text }] };
    }
    return { status: res.status, headers: res.headers, ...(json as object) } as GraphQLResponse<never>;
  }

  /** A graphql-ws client; `as` decides the connection's identity. */
  async ws(as?: Identity | { token: string }): Promise<Client> {
    const token = as ? ('token' in as ? as.token : await this.token(as)) : undefined;
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    });
    this.clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    for (const c of this.clients) await c.dispose();
    await this.hub.close();
  }
}

export async function startTestHub(overrides: Record<string, string> = {}): Promise<TestHub> {
  const config = testConfig(overrides);
  return new TestHub(await startHub(config));
}

/**
 * Collects what a subscription delivers. `next()` waits for the next result (failing after `ms`), `nextWhere` for the
 * next one that matches, `nothingWithin` asserts that nothing arrives.
 */
export function subscribe<R, V extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<R, V>,
  variables?: V,
) {
  const results: { data?: R | null; errors?: readonly GraphQLFormattedError[] }[] = [];
  const waiters: (() => void)[] = [];
  let error: unknown;
  let completed = false;
  const wake = () => waiters.splice(0).forEach((w) => w());
  const dispose = client.subscribe<R>(
    { query: print(document), variables },
    {
      next: (value) => {
        results.push(value as never);
        wake();
      },
      error: (e) => {
        error = e;
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  let read = 0;
  return {
    results,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    async next(ms = 5000) {
      const deadline = Date.now() + ms;
      while (read >= results.length) {
        if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
        if (completed) throw new Error('the subscription completed');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no subscription event within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
      return results[read++];
    },
    /**
     * The next result that `matches`, skipping others: events of earlier tests can still be on their way through the
     * outbox when a subscription starts, so a test waits for the event about its own row.
     */
    async nextWhere(matches: (result: (typeof results)[number]) => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const result = await this.next(Math.max(1, deadline - Date.now()));
        if (matches(result)) return result;
      }
    },
    async nothingWithin(ms: number) {
      await new Promise((r) => setTimeout(r, ms));
      return results.length === read;
    },
    /** Unsubscribes. */
    dispose,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `condition` until it holds (failing after `ms`): for state that settles asynchronously, not for timing. */
export async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The data of a successful operation (fails with the errors otherwise). */
export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(res.errors, null, 1)}`);
  return res.data!;
}

/** The error of a refused operation: its extensions (code, reason, field, ...). */
export function errorOf(res: GraphQLResponse<unknown>): Record<string, unknown> {
  if (!res.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
  return res.errors[0].extensions as Record<string, unknown>;
}
