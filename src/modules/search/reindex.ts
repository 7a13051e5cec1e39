/**
 * `npm run reindex`: rebuilds the search indexes from the database. Every document is built once and written to a
 * fresh Meilisearch index `<index>_next_<time>` (same settings), which is then swapped in atomically (the old one is
 * deleted), and to the PostgreSQL `search_document` table (replaced in one short transaction). Changes committed
 * while the rebuild ran are applied afterwards from the outbox, so none is lost to the swap.
 *
 * `npm run reindex -- --check`: the drift check — documents per type the database should have against what each
 * index holds; prints the differences and exits 1 when there are any.
 */
import { parseArgs } from 'node:util';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { EnqueuedTaskPromise } from 'meilisearch';
import type { Config } from '../../config/config';
import { openOrm, prepareDatabase } from '../../hub';
import { currentCursor, readEventsAfter } from '../../platform/events/outbox';
import type { Logger } from '../../platform/logging/logger';
import { stderrLogger } from '../exports/commands';
import { findRunningEmbeddedMeili, startEmbeddedMeili } from './meili-server';
import { isNotFound, meiliClient, meiliOptions, prepareIndex, succeeded, type MeiliOptions } from './meili.index';
import { MEILI_BATCH_SIZE, MeiliSink } from './meili.sink';
import { PgSink } from './pg.sink';
import { allSearchRefs, buildSearchDocuments, expectedCounts, refsOfEvents, type SearchRef } from './search.documents';
import { SEARCH_TYPES, type SearchDocument, type SearchSink, type SearchType } from './search.types';

/** Reports progress: `phase` changes, `done` of `total` within it. */
export type Progress = (phase: string, done: number, total: number) => void;

export interface ReindexResult {
  documents: number;
  byType: Record<SearchType, number>;
  /** The Meilisearch index swapped in (null when no Meilisearch is configured). */
  meili: { index: string; builtAs: string; previousDeleted: boolean } | null;
  postgres: number;
  /** Documents re-applied afterwards for changes committed during the rebuild. */
  caughtUp: number;
  ms: number;
}

const emptyCounts = (): Record<SearchType, number> => Object.fromEntries(SEARCH_TYPES.map((t) => [t, 0])) as Record<SearchType, number>;

/**
 * Rebuilds the Meilisearch index (when `meili` is given) and the PostgreSQL table. `em` must not be inside a
 * transaction (documents are read in batches; the table is replaced in one short transaction).
 */
export async function reindex(
  orm: MikroORM,
  meili: MeiliOptions | null,
  opts: { progress?: Progress; log?: Logger } = {},
): Promise<ReindexResult> {
  const started = Date.now();
  const em = orm.em.fork();
  const progress = opts.progress ?? (() => undefined);
  // Everything committed before this point is in the documents built below; what commits later is caught up at the end.
  const since = await currentCursor(em);

  const refs: SearchRef[] = [];
  for await (const batch of allSearchRefs(em)) refs.push(...batch);

  const client = meili ? meiliClient({ ...meili, taskTimeoutMs: 10 * 60_000 }) : null;
  const next = meili ? `${meili.index}_next_${Date.now()}` : null;
  if (client && next) await prepareIndex(client, next);

  // By uid: an agreement's batch brings its partner institutions again.
  const built = new Map<string, SearchDocument>();
  const tasks: EnqueuedTaskPromise[] = [];
  progress('documents', 0, refs.length);
  for (let i = 0; i < refs.length; i += MEILI_BATCH_SIZE) {
    const chunk = refs.slice(i, i + MEILI_BATCH_SIZE);
    const { upserts } = await buildSearchDocuments(em, chunk);
    for (const d of upserts) built.set(d.uid, d);
    if (client && next && upserts.length) {
      const task = client.index(next).addDocuments(upserts, { primaryKey: 'uid' });
      await task; // enqueued; Meilisearch indexes while the next batch is built
      tasks.push(task);
    }
    progress('documents', Math.min(i + chunk.length, refs.length), refs.length);
  }

  if (client) {
    progress('meilisearch', 0, tasks.length);
    for (let t = 0; t < tasks.length; t++) {
      await succeeded(client, tasks[t], `document addition to ${next}`);
      progress('meilisearch', t + 1, tasks.length);
    }
  }

  // Changes committed since the start, from the database as it is now: into the new index before it goes live (and
  // into the documents for PostgreSQL), then once more for the moment of the swap.
  const first = await catchUp(em, since, client && next && meili ? [new MeiliSink({ ...meili, index: next, prepare: false })] : []);
  for (const d of first.upserts) built.set(d.uid, d);
  for (const uid of first.removals) built.delete(uid);

  let meiliResult: ReindexResult['meili'] = null;
  let second = { cursor: first.cursor, changed: 0 };
  if (client && next && meili) {
    let liveExists = true;
    try {
      await client.getRawIndex(meili.index);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      liveExists = false;
    }
    if (liveExists) {
      await succeeded(client, client.swapIndexes([{ indexes: [meili.index, next], rename: false }]), `swap of ${meili.index} and ${next}`);
      // `next` now holds the previous documents.
      await succeeded(client, client.deleteIndex(next), `deletion of the previous index (now ${next})`);
    } else {
      await succeeded(client, client.swapIndexes([{ indexes: [next, meili.index], rename: true }]), `rename of ${next} to ${meili.index}`);
    }
    meiliResult = { index: meili.index, builtAs: next, previousDeleted: liveExists };
    second = await catchUp(em, first.cursor, [new MeiliSink({ ...meili, prepare: false })]);
  }

  const docs = [...built.values()];
  const byType = emptyCounts();
  for (const d of docs) byType[d.type]++;
  progress('postgres', 0, docs.length);
  const postgres = await new PgSink(orm.em.fork() as EntityManager).rebuild(orm.em.fork() as EntityManager, (async function* () {
    for (let i = 0; i < docs.length; i += MEILI_BATCH_SIZE) yield docs.slice(i, i + MEILI_BATCH_SIZE);
  })());
  progress('postgres', docs.length, docs.length);
  // What changed after the documents were taken, into the table as well.
  const third = await catchUp(em, first.cursor, [new PgSink(orm.em.fork() as EntityManager)]);
  const caughtUp = first.changed + Math.max(second.changed, third.changed);
  opts.log?.info({ documents: docs.length, caughtUp, ms: Date.now() - started }, 'search indexes rebuilt');
  return { documents: docs.length, byType, meili: meiliResult, postgres, caughtUp, ms: Date.now() - started };
}

/** Applies the changes recorded in the outbox after `from` to the sinks; returns where it stopped and what it wrote. */
async function catchUp(
  em: EntityManager,
  from: { txid: string; id: string },
  sinks: SearchSink[],
): Promise<{ cursor: { txid: string; id: string }; upserts: SearchDocument[]; removals: string[]; changed: number }> {
  let cursor = from;
  const upserts = new Map<string, SearchDocument>();
  const removals = new Set<string>();
  for (;;) {
    const events = await readEventsAfter(em, cursor, 500);
    if (events.length === 0) break;
    const changed = refsOfEvents(events);
    if (changed.length) {
      const docs = await buildSearchDocuments(em, changed);
      for (const sink of sinks) await sink.apply(docs.upserts, docs.removals);
      for (const d of docs.upserts) (upserts.set(d.uid, d), removals.delete(d.uid));
      for (const uid of docs.removals) (removals.add(uid), upserts.delete(uid));
    }
    const last = events[events.length - 1];
    cursor = { txid: last.txid, id: last.id };
  }
  return { cursor, upserts: [...upserts.values()], removals: [...removals], changed: upserts.size + removals.size };
}

export interface DriftRow {
  type: SearchType;
  database: number;
  meilisearch: number | null;
  postgres: number;
}

export interface DriftReport {
  rows: DriftRow[];
  /** False when the Meilisearch index does not exist. */
  meiliIndexExists: boolean | null;
  drift: boolean;
}

/** Documents per type: what the database should give against the Meilisearch index (facet counts) and the table. */
export async function driftCheck(orm: MikroORM, meili: MeiliOptions | null): Promise<DriftReport> {
  const em = orm.em.fork();
  const expected = await expectedCounts(em);
  const pgRows = await em.execute<{ type: string; count: number }[]>(`select type, count(*)::int as count from search_document group by type`);
  const pg = emptyCounts();
  for (const r of pgRows) pg[r.type as SearchType] = Number(r.count);
  let meiliCounts: Record<string, number> | null = null;
  let meiliIndexExists: boolean | null = null;
  if (meili) {
    const client = meiliClient({ ...meili, timeoutMs: Math.max(meili.timeoutMs, 30_000) });
    try {
      const res = await client.index(meili.index).search('', { limit: 0, facets: ['type'] });
      meiliCounts = res.facetDistribution?.type ?? {};
      meiliIndexExists = true;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      meiliCounts = {};
      meiliIndexExists = false;
    }
  }
  const rows = SEARCH_TYPES.map((type) => ({
    type,
    database: Number(expected[type] ?? 0),
    meilisearch: meiliCounts ? (meiliCounts[type] ?? 0) : null,
    postgres: pg[type],
  }));
  const drift = rows.some((r) => r.postgres !== r.database || (r.meilisearch !== null && r.meilisearch !== r.database));
  return { rows, meiliIndexExists, drift };
}

export function formatDrift(report: DriftReport, meili: MeiliOptions | null): string {
  const head = ['type', 'database', meili ? `meilisearch (${meili.index})` : null, 'postgres'].filter((h): h is string => h !== null);
  const lines = report.rows.map((r) => {
    const cells = [r.type, String(r.database), r.meilisearch === null ? null : String(r.meilisearch), String(r.postgres)].filter(
      (c): c is string => c !== null,
    );
    const off = r.postgres !== r.database || (r.meilisearch !== null && r.meilisearch !== r.database);
    return { cells, off };
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l.cells[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [fmt(head), ...lines.map((l) => `${fmt(l.cells)}${l.off ? '   <- differs' : ''}`)];
  if (report.meiliIndexExists === false) out.push(`The Meilisearch index ${meili!.index} does not exist.`);
  out.push(report.drift ? 'Drift: the indexes differ from the database; run `npm run reindex`.' : 'No drift: every index matches the database.');
  return out.join('\n');
}

/** Progress on stderr: a bar on a terminal, a plain line per step otherwise. */
function progressReporter(tty: boolean): { progress: Progress; done(): void } {
  let phase = '';
  let lastPercent = -1;
  let lastLine = 0;
  return {
    progress: (p, done, total) => {
      const percent = total ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        if (p === phase && percent === lastPercent) return;
        if (p !== phase && phase) process.stderr.write('\n');
        phase = p;
        lastPercent = percent;
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        process.stderr.write(`\r${p.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${done}/${total}`);
      } else {
        // A line when a phase starts or ends, and at most one every 2 s in between.
        const now = Date.now();
        if (p !== phase || done === total || now - lastLine > 2000) {
          phase = p;
          lastLine = now;
          process.stderr.write(`${p}: ${done}/${total}\n`);
        }
      }
    },
    done: () => {
      if (tty && phase) process.stderr.write('\n');
    },
  };
}

/** The Meilisearch a command uses: MEILI_URL, the running hub's bundled server, or a bundled one started for the task. */
async function commandMeili(config: Config, log: Logger): Promise<{ options: MeiliOptions | null; stop(): Promise<void> }> {
  const configured = meiliOptions(config);
  if (configured || !config.search.embedded) return { options: configured, stop: async () => undefined };
  const running = await findRunningEmbeddedMeili(config.dataDir);
  if (running) return { options: { url: running.url, apiKey: running.apiKey, index: config.search.index, timeoutMs: config.search.timeoutMs }, stop: async () => undefined };
  const started = await startEmbeddedMeili(config, log, 'task');
  if (!started) return { options: null, stop: async () => undefined };
  return { options: meiliOptions(started.config), stop: () => started.stop() };
}

/** `reindex [--check]` (main.ts). Exit code: 0, 1 on drift, 2 on a usage error. */
export async function reindexCommand(config: Config, args: string[]): Promise<number> {
  let check: boolean;
  try {
    check = !!parseArgs({ args, options: { check: { type: 'boolean', default: false } } }).values.check;
  } catch (e) {
    console.error(`${(e as Error).message}\nUsage: npm run reindex [-- --check]`);
    return 2;
  }
  const log = stderrLogger(config);
  const { orm, db } = await openOrm(config, log, 'task');
  const meili = await commandMeili(config, log).catch(async (e: unknown) => {
    await orm.close();
    await db.close();
    throw e;
  });
  try {
    await prepareDatabase(orm, config, log);
    if (check) {
      const report = await driftCheck(orm, meili.options);
      console.log(formatDrift(report, meili.options));
      return report.drift ? 1 : 0;
    }
    const reporter = progressReporter(!!process.stderr.isTTY);
    const result = await reindex(orm, meili.options, { progress: reporter.progress, log });
    reporter.done();
    const types = Object.entries(result.byType)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
    console.log(`Reindexed ${result.documents} documents (${types}) in ${(result.ms / 1000).toFixed(1)} s.`);
    if (result.meili) {
      console.log(
        `Meilisearch: built ${result.meili.builtAs} and swapped it in as ${result.meili.index}${result.meili.previousDeleted ? '; the previous index was deleted' : ''}.`,
      );
    } else {
      console.log('Meilisearch: not configured (no MEILI_URL and no bundled server); only PostgreSQL was rebuilt.');
    }
    console.log(`PostgreSQL: search_document rebuilt with ${result.postgres} documents.`);
    if (result.caughtUp) console.log(`${result.caughtUp} documents changed during the rebuild were applied afterwards.`);
    return 0;
  } finally {
    await meili.stop();
    await orm.close();
    await db.close();
  }
}
