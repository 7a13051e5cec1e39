/**
 * Writes search documents to Meilisearch for the outbox worker (and reindex): additions and deletions in batches
 * of 1,000, each task awaited; a failed task or an unreachable server throws, so the worker retries the same events.
 */
import type { EnqueuedTaskPromise, Meilisearch } from 'meilisearch';
import type { OutboxConsumerHandler, OutboxConsumerOptions } from '../../platform/jobs/job-runner';
import { meiliClient, prepareIndex, succeeded, type MeiliOptions } from './meili.index';
import { buildSearchDocuments, refsOfEvents } from './search.documents';
import type { SearchDocument, SearchSink } from './search.types';

export const MEILI_BATCH_SIZE = 1000;

/** The outbox consumer (cursor in `outbox_consumer`) that keeps Meilisearch up to date. */
export const MEILI_CONSUMER = 'search.meilisearch';

/**
 * Backoff for the consumer while Meilisearch is unreachable: 1 s, 2 s, 4 s ... at most 30 s between attempts, so
 * the backlog drains within half a minute of Meilisearch coming back.
 */
export const MEILI_CONSUMER_OPTIONS: OutboxConsumerOptions = { backoffMs: 1000, maxBackoffMs: 30_000 };

/**
 * The outbox handler for a sink: the records a batch of events touched, rebuilt from the database as they are now,
 * written to the sink. It throws when the sink fails, and the job runner retries the same events after a backoff
 * (register it with `jobs.consumeOutbox(MEILI_CONSUMER, meiliOutboxConsumer(sink), MEILI_CONSUMER_OPTIONS)`).
 */
export function meiliOutboxConsumer(sink: SearchSink): OutboxConsumerHandler {
  return async (events, em) => {
    const refs = refsOfEvents(events);
    if (refs.length === 0) return;
    const { upserts, removals } = await buildSearchDocuments(em, refs);
    await sink.apply(upserts, removals);
  };
}

export class MeiliSink implements SearchSink {
  readonly name = 'meilisearch';
  readonly client: Meilisearch;
  private prepared?: Promise<void>;

  /**
   * `prepare: true` (the default) creates the index and applies its settings before the first write, so that a
   * hub started while Meilisearch was down still gets a correctly configured index once it is back.
   */
  constructor(
    readonly options: MeiliOptions & { prepare?: boolean },
  ) {
    this.client = meiliClient(options);
  }

  /** Creates the index and applies the settings once per sink (again after a failure). */
  ensurePrepared(): Promise<void> {
    if (this.options.prepare === false) return Promise.resolve();
    this.prepared ??= prepareIndex(this.client, this.options.index).catch((e: unknown) => {
      this.prepared = undefined;
      throw e;
    });
    return this.prepared;
  }

  async apply(upserts: SearchDocument[], removals: string[]): Promise<void> {
    if (upserts.length === 0 && removals.length === 0) return;
    await this.ensurePrepared();
    const index = this.client.index<SearchDocument>(this.options.index);
    // Enqueued one after the other (Meilisearch runs an index's tasks in the order received), then awaited.
    const tasks: { task: EnqueuedTaskPromise; what: string }[] = [];
    for (let i = 0; i < removals.length; i += MEILI_BATCH_SIZE) {
      const task = index.deleteDocuments(removals.slice(i, i + MEILI_BATCH_SIZE));
      await task;
      tasks.push({ task, what: 'document deletion' });
    }
    for (let i = 0; i < upserts.length; i += MEILI_BATCH_SIZE) {
      const task = index.addDocuments(upserts.slice(i, i + MEILI_BATCH_SIZE), { primaryKey: 'uid' });
      await task;
      tasks.push({ task, what: 'document addition' });
    }
    for (const { task, what } of tasks) await succeeded(this.client, task, what);
  }
}
