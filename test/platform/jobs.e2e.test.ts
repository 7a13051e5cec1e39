/**
 * The durable job runner and outbox consumers on the real database, through the hub's own JobRunner
 * (`hub.hub.jobs`). `wake()` runs a round now; waits poll with it instead of sleeping for the runner's timer.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeliveredEvent } from '../../src/platform/events/outbox';
import { recordEvent } from '../../src/platform/events/outbox';
import { JobRunner } from '../../src/platform/jobs/job-runner';
import { startTestHub, waitFor, type TestHub } from '../support/hub';

let hub: TestHub;
const uid = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const jobs = () => hub.hub.jobs;
const em = () => hub.hub.orm.em.fork() as EntityManager;

/** Runs rounds until `condition` holds. */
async function runUntil(condition: () => boolean | Promise<boolean>, ms = 5000, what = 'the job', runner = jobs()) {
  await waitFor(async () => {
    await runner.wake();
    return condition();
  }, ms, what);
}

interface JobRow {
  state: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  run_at: Date;
  finished_at: Date | null;
  payload: unknown;
}

async function jobRows(name: string): Promise<JobRow[]> {
  return em().execute<JobRow[]>(
    `select state, attempts, max_attempts, last_error, run_at, finished_at, payload from job where name = ? order by created_at`,
    [name],
  );
}

const payloadOf = (row: JobRow) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>;

describe('jobs', () => {
  it('runs a job enqueued inside a committed transaction, with its payload, and marks it done', async () => {
    const name = `test.committed.${uid()}`;
    const calls: { payload: Record<string, unknown>; attempt: number }[] = [];
    jobs().register(name, async (payload, job) => {
      calls.push({ payload, attempt: job.attempt });
    });
    await em().transactional(async (tx) => {
      await jobs().enqueue(tx as EntityManager, name, { greeting: 'merhaba', n: 1 });
    });
    await runUntil(async () => (await jobRows(name))[0]?.state === 'done');
    expect(calls).toEqual([{ payload: { greeting: 'merhaba', n: 1 }, attempt: 1 }]);
    const [row] = await jobRows(name);
    expect(row).toMatchObject({ state: 'done', attempts: 1, last_error: null });
    expect(row.finished_at).not.toBeNull();
  });

  it('never runs a job enqueued in a transaction that rolled back', async () => {
    const name = `test.rollback.${uid()}`;
    const ran: string[] = [];
    jobs().register(name, async (payload) => {
      ran.push(payload.which as string);
    });
    await expect(
      em().transactional(async (tx) => {
        await jobs().enqueue(tx as EntityManager, name, { which: 'rolled-back' });
        throw new Error('abort the transaction');
      }),
    ).rejects.toThrow('abort the transaction');
    // A committed job of the same name afterwards: once it has run, a round has passed over both.
    await em().transactional((tx) => jobs().enqueue(tx as EntityManager, name, { which: 'committed' }));
    await runUntil(() => ran.includes('committed'));
    await jobs().wake();
    expect(ran).toEqual(['committed']);
    expect((await jobRows(name)).map(payloadOf)).toEqual([{ which: 'committed' }]);
  });

  it('retries a failing job with doubling backoff and marks it dead with the last error after maxAttempts', async () => {
    const name = `test.failing.${uid()}`;
    const attempts: { attempt: number; at: number }[] = [];
    const backoffMs = 300;
    jobs().register(
      name,
      async (_payload, job) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        throw new Error(`boom on attempt ${job.attempt}`);
      },
      { maxAttempts: 3, backoffMs },
    );
    await jobs().enqueue(em(), name, {});
    // wake() resolves after its round's jobs have finished, failure bookkeeping included.
    await runUntil(() => attempts.length >= 1, 5000, 'the first attempt');
    const [afterFirst] = await em().execute<{ state: string; attempts: number; last_error: string; waiting: boolean }[]>(
      `select state, attempts, last_error, run_at > now() as waiting from job where name = ?`,
      [name],
    );
    expect(afterFirst).toEqual({ state: 'pending', attempts: 1, last_error: 'boom on attempt 1', waiting: true });

    await runUntil(async () => (await jobRows(name))[0]?.state === 'dead', 10_000, 'the job to die');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // The nth retry waits backoffMs * 2^(n-1) after the failure (a little clock slack for the database).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(backoffMs - 25);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(2 * backoffMs - 25);
    const [row] = await jobRows(name);
    expect(row).toMatchObject({ state: 'dead', attempts: 3, max_attempts: 3, last_error: 'boom on attempt 3' });
    expect(row.finished_at).not.toBeNull();

    // A dead job is not picked up again.
    await jobs().wake();
    await jobs().wake();
    expect(attempts).toHaveLength(3);
  });

  it('does not run a job before its runAt, and runs it once it is due', async () => {
    const name = `test.later.${uid()}`;
    let ranAt: number | undefined;
    jobs().register(name, async () => {
      ranAt = Date.now();
    });
    const runAt = new Date(Date.now() + 1000);
    await jobs().enqueue(em(), name, {}, { runAt });
    // Rounds well before it is due claim nothing.
    while (Date.now() < runAt.getTime() - 300) await jobs().wake();
    expect(ranAt).toBeUndefined();
    expect((await jobRows(name))[0]).toMatchObject({ state: 'pending', attempts: 0 });

    await runUntil(() => ranAt !== undefined, 5000, 'the delayed job');
    expect(ranAt!).toBeGreaterThanOrEqual(runAt.getTime() - 25);
    expect((await jobRows(name))[0].state).toBe('done');
  });

  it('keeps one pending job per singletonKey, and accepts the key again once that job has run', async () => {
    const name = `test.singleton.${uid()}`;
    const key = `singleton:${uid()}`;
    // Enqueued before a handler exists: the runner claims only names it has handlers for, so all three wait.
    for (const n of [1, 2, 3]) await jobs().enqueue(em(), name, { n }, { singletonKey: key });
    const pending = await jobRows(name);
    expect(pending).toHaveLength(1);
    expect(payloadOf(pending[0])).toEqual({ n: 1 });

    const ran: unknown[] = [];
    jobs().register(name, async (payload) => {
      ran.push(payload.n);
    });
    await runUntil(() => ran.length === 1);
    await jobs().wake();
    expect(ran).toEqual([1]);

    await jobs().enqueue(em(), name, { n: 4 }, { singletonKey: key });
    await runUntil(() => ran.length === 2);
    expect(ran).toEqual([1, 4]);
    expect((await jobRows(name)).map((r) => r.state)).toEqual(['done', 'done']);
  });
});

describe('durable outbox consumers', () => {
  /** Commits one transaction with the given events (all of a test's events share `type`). */
  async function commitEvents(type: string, labels: string[]): Promise<void> {
    await em().transactional(async (tx) => {
      for (const label of labels) recordEvent(tx as EntityManager, { type, aggregateType: 'Test', aggregateId: randomUUID(), payload: { label } });
    });
  }

  async function rollBackEvents(type: string, labels: string[]): Promise<void> {
    await expect(
      em().transactional(async (tx) => {
        for (const label of labels) recordEvent(tx as EntityManager, { type, aggregateType: 'Test', aggregateId: randomUUID(), payload: { label } });
        await (tx as EntityManager).flush();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
  }

  it('receives committed events in commit order exactly as written, resumes from its stored cursor after a restart, and never sees rolled-back ones', async () => {
    const type = `test.consumer.${uid()}`;
    const consumer = `test-consumer-${uid()}`;
    const seen: DeliveredEvent[] = [];
    const handler = async (events: DeliveredEvent[]) => {
      seen.push(...events.filter((e) => e.type === type));
    };
    const labels = () => seen.map((e) => e.payload.label);

    jobs().consumeOutbox(consumer, handler);
    await commitEvents(type, ['a1', 'a2']);
    await rollBackEvents(type, ['x1']);
    await commitEvents(type, ['b1']);
    await commitEvents(type, ['c1', 'c2', 'c3']);
    await runUntil(() => seen.length >= 6, 5000, 'the first six events');
    expect(labels()).toEqual(['a1', 'a2', 'b1', 'c1', 'c2', 'c3']);
    expect(seen[0]).toMatchObject({ type, aggregateType: 'Test', aggregateVersion: null, actor: null, scopeUnitIds: [] });
    const ids = seen.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // The runner stops ("the process ends"); events committed meanwhile wait in the outbox.
    await jobs().stop();
    await commitEvents(type, ['d1']);
    await rollBackEvents(type, ['x2']);
    await commitEvents(type, ['e1', 'e2']);
    await jobs().wake();
    expect(labels()).toHaveLength(6);
    const [stored] = await em().execute<{ last_txid: string; last_id: string; leased_by: string | null }[]>(
      `select last_txid::text as last_txid, last_id::text as last_id, leased_by from outbox_consumer where name = ?`,
      [consumer],
    );
    expect(stored.leased_by).toBeNull();
    expect(BigInt(stored.last_txid)).toBeGreaterThanOrEqual(BigInt(seen[5].txid));

    // A new runner (nothing in memory) with the same consumer resumes from the stored cursor.
    const restarted = new JobRunner(hub.hub.orm, hub.hub.log, { pollMs: 60_000, concurrency: 1 });
    const seenAfterRestart: DeliveredEvent[] = [];
    restarted.consumeOutbox(consumer, async (events) => {
      seenAfterRestart.push(...events.filter((e) => e.type === type));
    });
    try {
      await restarted.start();
      await runUntil(() => seenAfterRestart.length >= 3, 5000, 'the events after the restart', restarted);
      await restarted.wake();
      expect(seenAfterRestart.map((e) => e.payload.label)).toEqual(['d1', 'e1', 'e2']);
    } finally {
      await restarted.stop();
      await jobs().start();
    }
    expect(labels()).not.toContain('x1');
  });
});
