/**
 * What the Meilisearch engine, sink and reindex share: the client, the index settings and waiting for tasks.
 * One index holds every searchable type (`type` is a filterable attribute).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Meilisearch, type EnqueuedTask, type EnqueuedTaskPromise, type Settings, type Task } from 'meilisearch';
import type { Config } from '../../config/config';

export interface MeiliOptions {
  url: string;
  apiKey?: string;
  /** The index uid. */
  index: string;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Waiting for a task (indexing, settings); default 60 s. */
  taskTimeoutMs?: number;
}

/** The Meilisearch options of a configuration, or null when no server is configured (or started). */
export function meiliOptions(config: Config): MeiliOptions | null {
  const { meiliUrl, meiliApiKey, index, timeoutMs } = config.search;
  return meiliUrl ? { url: meiliUrl, apiKey: meiliApiKey, index, timeoutMs } : null;
}

export function meiliClient(options: Pick<MeiliOptions, 'url' | 'apiKey' | 'timeoutMs' | 'taskTimeoutMs'>): Meilisearch {
  return new Meilisearch({
    host: options.url,
    apiKey: options.apiKey,
    timeout: options.timeoutMs,
    defaultWaitOptions: { timeout: options.taskTimeoutMs ?? 60_000, interval: 25 },
  });
}

/** Synonym groups from `synonyms.json` (data, not code); read from the source tree, which `dist/` sits next to. */
export function synonymGroups(): string[][] {
  const file = path.resolve(__dirname, '../../../src/modules/search/synonyms.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { groups: string[][] }).groups;
}

/** Every word of a group finds every other (Meilisearch synonyms are one-way: each word lists the others). */
export function synonymMap(groups: string[][] = synonymGroups()): Record<string, string[]> {
  const map: Record<string, Set<string>> = {};
  for (const group of groups) {
    const words = [...new Set(group.map((w) => w.trim().toLowerCase()).filter(Boolean))];
    for (const word of words) {
      const set = (map[word] ??= new Set());
      for (const other of words) if (other !== word) set.add(other);
    }
  }
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [...v].sort()]));
}

export const SEARCHABLE_ATTRIBUTES = ['title_tr', 'title_en', 'keywords', 'folded', 'text_tr', 'text_en', 'city'];
export const FILTERABLE_ATTRIBUTES = ['type', 'public', 'publishAt', 'unpublishAt', 'country', 'category', 'iscedBroadFields', 'languages'];
export const FACET_ATTRIBUTES = ['type', 'country', 'category', 'iscedBroadFields', 'languages'] as const;

/** The settings of the hub's index; applying them again changes nothing. */
export function indexSettings(): Settings {
  return {
    searchableAttributes: SEARCHABLE_ATTRIBUTES,
    filterableAttributes: FILTERABLE_ATTRIBUTES,
    sortableAttributes: ['displayAt'],
    // The defaults, with `sort` left out (no request sorts) and equal matches ordered newest first.
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'exactness', 'displayAt:desc'],
    localizedAttributes: [
      { attributePatterns: ['*_tr'], locales: ['tur'] },
      { attributePatterns: ['*_en'], locales: ['eng'] },
    ],
    // Default word sizes (one typo from 5 letters, two from 9); identifiers and tags match as written.
    typoTolerance: { enabled: true, disableOnAttributes: ['keywords'] },
    synonyms: synonymMap(),
    faceting: { maxValuesPerFacet: 200 },
    pagination: { maxTotalHits: 5000 },
  };
}

/**
 * Waits for an enqueued task (polling, up to the client's `taskTimeoutMs`). The client's own `waitTask` leaves its
 * timeout timer running when a poll fails (Meilisearch gone), which keeps a process alive for that long.
 */
export async function finished(client: Meilisearch, task: EnqueuedTaskPromise | EnqueuedTask): Promise<Task> {
  const { taskUid } = await task;
  const timeoutMs = client.config.defaultWaitOptions?.timeout ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (let interval = 10; ; interval = Math.min(interval * 2, 250)) {
    const current = await client.tasks.getTask(taskUid);
    if (current.status !== 'enqueued' && current.status !== 'processing') return current;
    if (Date.now() > deadline) throw new Error(`Meilisearch task ${taskUid} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits for an enqueued task and throws when it did not succeed. */
export async function succeeded(client: Meilisearch, task: EnqueuedTaskPromise | EnqueuedTask, what: string): Promise<Task> {
  const done = await finished(client, task);
  if (done.status !== 'succeeded') {
    const reason = done.error ? `${done.error.code}: ${done.error.message}` : done.status;
    throw new Error(`Meilisearch ${what} ${done.status} (task ${done.uid}): ${reason}`);
  }
  return done;
}

/** The Meilisearch error code of a failed request (`index_not_found`, ...), if it was an API error. */
export function apiErrorCode(e: unknown): string | undefined {
  const cause = (e as { name?: string; cause?: { code?: unknown } } | null)?.cause;
  return (e as { name?: string })?.name === 'MeilisearchApiError' && typeof cause?.code === 'string' ? cause.code : undefined;
}

export function isNotFound(e: unknown): boolean {
  return apiErrorCode(e) === 'index_not_found';
}

/**
 * Creates the index (primary key `uid`) when missing and applies the settings, waiting for both tasks.
 * Idempotent: on an index that already has them the settings task changes nothing.
 */
export async function prepareIndex(client: Meilisearch, uid: string): Promise<void> {
  let exists = true;
  try {
    await client.getRawIndex(uid);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    exists = false;
  }
  if (!exists) {
    const created = await finished(client, client.createIndex(uid, { primaryKey: 'uid' }));
    // Another instance may have created it meanwhile.
    if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') {
      throw new Error(`Meilisearch index creation failed: ${created.error?.message ?? created.status}`);
    }
  }
  await succeeded(client, client.index(uid).updateSettings(indexSettings()), `settings of ${uid}`);
}
