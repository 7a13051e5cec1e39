import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger';
import { readEventsAfter, type DeliveredEvent } from '../events/outbox';

export interface JobContext {
  id: string;
  name: string;
  attempt: number;
  em: EntityManager;
  log: Logger;
}

export type JobHandler = (payload: Record<string, unknown>, job: JobContext) => Promise<void>;

export interface JobOptions {
  maxAttempts?: number;
  /** First retry delay; doubled on each further attempt. */
  backoffMs?: number;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** At most one pending job per key: enqueueing again while one waits does nothing. */
  singletonKey?: string;
  maxAttempts?: number;
}

export type OutboxConsumerHandler = (events: DeliveredEvent[], em: EntityManager) => Promise<void>;

export interface OutboxConsumerOptions {
  /** Wait after a failure before the next attempt; doubled on each further failure (default 1 s). */
  backoffMs?: number;
  /** The longest wait between attempts (default 60 s). */
  maxBackoffMs?: number;
}

const LEASE_SECONDS = 300;
const CONSUMER_BATCHES_PER_ROUND = 5;

/**
 * Adds a job without a runner at hand (services schedule work this way, inside their transaction, so the job exists
 * only if the change commits). A pending job with the same singleton key wins unless `replace` is set.
 */
export async function enqueueJob(
  em: EntityManager,
  name: string,
  payload: Record<string, unknown> = {},
  opts: EnqueueOptions & { replace?: boolean } = {},
): Promise<void> {
  if (opts.replace && opts.singletonKey) await cancelPendingJob(em, opts.singletonKey);
  await em.execute(
    `insert into job (id, name, payload, run_at, max_attempts, singleton_key)
     values (?, ?, ?::jsonb, ?, ?, ?)
     on conflict (singleton_key) where state = 'pending' do nothing`,
    [randomUUID(), name, JSON.stringify(payload), (opts.runAt ?? new Date()).toISOString(), opts.maxAttempts ?? 5, opts.singletonKey ?? null],
  );
}

/** Drops the pending job with this singleton key, if any (a running one finishes). */
export async function cancelPendingJob(em: EntityManager, singletonKey: string): Promise<void> {
  await em.execute(`delete from job where singleton_key = ? and state = 'pending'`, [singletonKey]);
}

/**
 * A small durable job runner on PostgreSQL (and PGlite): jobs are rows, claimed with FOR UPDATE SKIP LOCKED,
 * retried with exponential backoff, and moved to `dead` after their last attempt. A job enqueued inside a
 * transaction exists only if that transaction commits. pg-boss and graphile-worker were considered; both now
 * require Node 22 (see the README).
 *
 * Durable outbox consumers (search indexing, notifications) keep a cursor in `outbox_consumer` and a lease, so
 * one instance at a time processes each consumer, at least once per event, ordered by transaction (see outbox.ts).
 */
export class JobRunner {
  private handlers = new Map<string, { handler: JobHandler; options: Required<JobOptions> }>();
  private schedules = new Map<string, number>();
  private consumers = new Map<string, { handler: OutboxConsumerHandler; options: Required<OutboxConsumerOptions>; failures: number; retryAt: number }>();
  private readonly instance = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private running = new Set<Promise<void>>();
  private ticking?: Promise<void>;
  private tickAgain = false;
  private stopped = true;
  private afterJob?: () => void;
  private startHooks: ((em: EntityManager) => Promise<void>)[] = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    private readonly options: { pollMs: number; concurrency: number },
  ) {}

  register(name: string, handler: JobHandler, options: JobOptions = {}): void {
    this.handlers.set(name, { handler, options: { maxAttempts: options.maxAttempts ?? 5, backoffMs: options.backoffMs ?? 1000 } });
  }

  /** A recurring job: runs every `everyMs` on one instance at a time. */
  schedule(name: string, everyMs: number, handler: JobHandler): void {
    this.register(name, handler, { maxAttempts: 1 });
    this.schedules.set(name, everyMs);
  }

  /** Work to enqueue each time the runner starts (a module's start-up check). */
  onStart(hook: (em: EntityManager) => Promise<void>): void {
    this.startHooks.push(hook);
  }

  /** Called after each job that finished: the hub rings the event bus, so events a job recorded go out at once. */
  onJobDone(callback: () => void): void {
    this.afterJob = callback;
  }

  /**
   * A durable consumer of the outbox. A handler that throws is retried from its last position, after a backoff that
   * doubles with each consecutive failure (so an outage of what it writes to does not spin the runner).
   */
  consumeOutbox(name: string, handler: OutboxConsumerHandler, options: OutboxConsumerOptions = {}): void {
    this.consumers.set(name, {
      handler,
      options: { backoffMs: options.backoffMs ?? 1000, maxBackoffMs: options.maxBackoffMs ?? 60_000 },
      failures: 0,
      retryAt: 0,
    });
  }

  /** Adds a job; pass a transaction's entity manager to make it part of that transaction. */
  async enqueue(em: EntityManager, name: string, payload: Record<string, unknown> = {}, opts: EnqueueOptions = {}): Promise<void> {
    await enqueueJob(em, name, payload, { ...opts, maxAttempts: opts.maxAttempts ?? this.handlers.get(name)?.options.maxAttempts });
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const em = this.orm.em.fork();
    for (const [name, everyMs] of this.schedules) {
      await this.enqueue(em, name, {}, { singletonKey: `schedule:${name}`, runAt: new Date(Date.now() + everyMs) });
    }
    for (const hook of this.startHooks) await hook(em);
    this.timer = setInterval(() => void this.wake(), this.options.pollMs).unref();
    void this.wake();
  }

  /** Stops claiming work and waits for jobs already running. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.running]);
  }

  /** Claims and runs what is due now. Resolves when this round's jobs and consumers have finished. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.ticking = this.tick()
      .catch((e) => this.log.warn({ err: e }, 'job runner round failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.tickAgain && !this.stopped) {
          this.tickAgain = false;
          void this.wake();
        }
      });
    return this.ticking;
  }

  private async tick(): Promise<void> {
    const em = this.orm.em.fork();
    // A job whose runner died mid-way is offered again once its lock has expired, unless that was its last attempt.
    await em.execute(
      `update job set state = case when attempts >= max_attempts then 'dead' else 'pending' end,
              last_error = coalesce(last_error, 'the runner stopped while running it (lease expired)'),
              finished_at = case when attempts >= max_attempts then now() end,
              locked_by = null, locked_until = null
        where state = 'running' and locked_until < now()`,
    );
    const names = [...this.handlers.keys()];
    const free = this.options.concurrency - this.running.size;
    if (names.length > 0 && free > 0) {
      const claimed = await em.execute<{ id: string; name: string; payload: unknown; attempts: number; max_attempts: number }[]>(
        `update job set state = 'running', attempts = attempts + 1, locked_by = ?,
                locked_until = now() + make_interval(secs => ?)
          where id in (
            select j.id from job j
             where j.state = 'pending' and j.run_at <= now() and j.name = any(?::text[])
               and (j.singleton_key is null or not exists (
                 select 1 from job r where r.state = 'running' and r.singleton_key = j.singleton_key))
             order by j.run_at
             limit ?
             for update skip locked)
          returning id, name, payload, attempts, max_attempts`,
        [this.instance, LEASE_SECONDS, `{${names.map((n) => `"${n}"`).join(',')}}`, free],
      );
      for (const job of claimed) {
        const run = this.runJob(job).finally(() => this.running.delete(run));
        this.running.add(run);
      }
    }
    for (const [name, consumer] of this.consumers) if (Date.now() >= consumer.retryAt) await this.runConsumer(name);
    await Promise.allSettled([...this.running]);
  }

  private async runJob(job: { id: string; name: string; payload: unknown; attempts: number; max_attempts: number }) {
    const entry = this.handlers.get(job.name)!;
    const em = this.orm.em.fork();
    const log = this.log.child({ job: job.name, jobId: job.id, attempt: job.attempts });
    const payload = (typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload) as Record<string, unknown>;
    try {
      await entry.handler(payload, { id: job.id, name: job.name, attempt: job.attempts, em, log });
      await em.execute(
        `update job set state = 'done', finished_at = now(), locked_by = null, locked_until = null, last_error = null where id = ?`,
        [job.id],
      );
      const everyMs = this.schedules.get(job.name);
      if (everyMs) await this.enqueue(em, job.name, {}, { singletonKey: `schedule:${job.name}`, runAt: new Date(Date.now() + everyMs) });
      this.afterJob?.();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const last = job.attempts >= job.max_attempts;
      log.warn({ err: e, last }, last ? 'job failed for the last time' : 'job failed; will retry');
      const delayMs = entry.options.backoffMs * 2 ** (job.attempts - 1);
      await em.execute(
        `update job set state = ?, run_at = now() + make_interval(secs => ?), last_error = ?,
                locked_by = null, locked_until = null, finished_at = case when ? then now() end
          where id = ?`,
        [last ? 'dead' : 'pending', delayMs / 1000, message.slice(0, 2000), last, job.id],
      );
      const everyMs = this.schedules.get(job.name);
      if (everyMs) await this.enqueue(em, job.name, {}, { singletonKey: `schedule:${job.name}`, runAt: new Date(Date.now() + everyMs) });
    }
  }

  private async runConsumer(name: string): Promise<void> {
    const consumer = this.consumers.get(name)!;
    const em = this.orm.em.fork();
    await em.execute(`insert into outbox_consumer (name) values (?) on conflict (name) do nothing`, [name]);
    const [lease] = await em.execute<{ last_txid: string; last_id: string }[]>(
      `update outbox_consumer set leased_by = ?, leased_until = now() + make_interval(secs => ?)
        where name = ? and (leased_until is null or leased_until < now() or leased_by = ?)
        returning last_txid::text as last_txid, last_id::text as last_id`,
      [this.instance, LEASE_SECONDS, name, this.instance],
    );
    if (!lease) return;
    let cursor = { txid: lease.last_txid, id: lease.last_id };
    try {
      for (let round = 0; ; round++) {
        // A long backlog (a big import) is worked off a few batches per round, so jobs due meanwhile still run.
        if (round === CONSUMER_BATCHES_PER_ROUND) {
          this.tickAgain = true;
          break;
        }
        const batch = await readEventsAfter(em, cursor, 200);
        if (batch.length === 0) break;
        await consumer.handler(batch, em);
        const last = batch[batch.length - 1];
        cursor = { txid: last.txid, id: last.id };
        await em.execute(`update outbox_consumer set last_txid = ?::xid8, last_id = ? where name = ?`, [cursor.txid, cursor.id, name]);
        if (this.stopped) break;
      }
      consumer.failures = 0;
      consumer.retryAt = 0;
    } catch (e) {
      consumer.failures++;
      const retryInMs = Math.min(consumer.options.maxBackoffMs, consumer.options.backoffMs * 2 ** (consumer.failures - 1));
      consumer.retryAt = Date.now() + retryInMs;
      this.log.warn(
        { err: e, consumer: name, failures: consumer.failures, retryInMs },
        'outbox consumer failed; it resumes from its last position',
      );
    } finally {
      await em.execute(`update outbox_consumer set leased_by = null, leased_until = null where name = ? and leased_by = ?`, [name, this.instance]);
    }
  }
}
