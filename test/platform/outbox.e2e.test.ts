/**
 * The outbox reader's contract on the real database: readEventsAfter returns committed events only, in (txid, id)
 * order, never skipping a transaction that was still running when the reader moved on; currentCursor is where a
 * new reader starts. No hub runs in this file, and it has a database of its own: nothing else writes to it meanwhile.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { openOrm, prepareDatabase } from '../../src/hub';
import { currentCursor, readEventsAfter, recordEvent, type DeliveredEvent } from '../../src/platform/events/outbox';
import { createLogger } from '../../src/platform/logging/logger';
import { dbKind, dedicatedDatabaseUrl, testConfig, waitFor } from '../support/hub';

let orm: MikroORM;
let closeDb: () => Promise<void>;
const pgClients: Client[] = [];

beforeAll(async () => {
  const config = testConfig({ DATABASE_URL: dedicatedDatabaseUrl('reader'), SEED_DEMO_ON_EMPTY: 'false' });
  const log = createLogger({ logLevel: 'silent' });
  const opened = await openOrm(config, log, 'task');
  orm = opened.orm;
  closeDb = () => opened.db.close();
  await prepareDatabase(orm, config, log);
});
afterAll(async () => {
  for (const c of pgClients) await c.end().catch(() => undefined);
  await orm.close();
  await closeDb();
});

const em = () => orm.em.fork() as EntityManager;
const uid = () => randomUUID().slice(0, 8);
type Cursor = { txid: string; id: string };

/**
 * A reader as the dispatcher and consumers use it: reads after its cursor, moves the cursor to the last event, and
 * keeps the events of one test (by type).
 */
function reader(start: Cursor, type: string, limit = 500) {
  let cursor = start;
  const seen: DeliveredEvent[] = [];
  const labels = () => seen.map((e) => e.payload.label as string);
  const poll = async (): Promise<string[]> => {
    const got: string[] = [];
    for (;;) {
      const batch = await readEventsAfter(em(), cursor, limit);
      for (const e of batch) {
        cursor = { txid: e.txid, id: e.id };
        if (e.type === type) {
          seen.push(e);
          got.push(e.payload.label as string);
        }
      }
      if (batch.length < limit) return got;
    }
  };
  return {
    seen,
    labels,
    poll,
    get cursor() {
      return cursor;
    },
    /**
     * Polls until `count` events have been seen in all, and returns them. On PostgreSQL transaction ids and the
     * snapshot are cluster-wide: a write transaction of the other test worker (in its own database) that is open at
     * the moment of a read holds newer events back until it ends, so one read right after a commit may be early.
     */
    async pollUntil(count: number, ms = 5000): Promise<string[]> {
      await waitFor(async () => (await poll(), seen.length >= count), ms, `${count} events of ${type}`);
      return labels();
    },
  };
}

async function commitEvents(type: string, labels: string[]): Promise<void> {
  await em().transactional(async (tx) => {
    for (const label of labels) {
      recordEvent(tx as EntityManager, { type, aggregateType: 'Test', aggregateId: randomUUID(), actor: 'tester', scopeUnitIds: [], payload: { label } });
    }
  });
}

async function pgClient(): Promise<Client> {
  const c = new Client({ connectionString: dedicatedDatabaseUrl('reader') });
  pgClients.push(c);
  await c.connect();
  return c;
}

const insertSql = `insert into outbox_event (type, aggregate_type, aggregate_id, payload) values ($1, 'Test', $2, $3::jsonb)`;
const insert = (c: Client, type: string, label: string) => c.query(insertSql, [type, randomUUID(), JSON.stringify({ label })]);

describe('readEventsAfter and currentCursor', () => {
  it('shows an event to readers only once its transaction has committed, and then exactly once', async () => {
    const type = `test.visibility.${uid()}`;
    const r = reader(await currentCursor(em()), type);
    const aggregateId = randomUUID();
    await em().transactional(async (tx) => {
      recordEvent(tx as EntityManager, { type, aggregateType: 'Test', aggregateId, aggregateVersion: 3, actor: 'tester', payload: { label: 'e1' } });
      await (tx as EntityManager).flush();
      // The row exists inside the transaction, yet no reader gets it yet. With PostgreSQL a reader on another
      // connection is asked; PGlite runs one transaction at a time (another connection would wait for this one), so
      // there the reader runs on the transaction's own connection, where the transaction counts as still running.
      const [{ n }] = await (tx as EntityManager).execute<{ n: number }[]>(`select count(*)::int as n from outbox_event where type = ?`, [type]);
      expect(n).toBe(1);
      const pending = dbKind() === 'postgres' ? await readEventsAfter(em(), r.cursor, 500) : await readEventsAfter(tx as EntityManager, r.cursor, 500);
      expect(pending.filter((e) => e.type === type)).toEqual([]);
    });
    expect(await r.pollUntil(1)).toEqual(['e1']);
    expect(r.seen[0]).toMatchObject({
      type,
      aggregateType: 'Test',
      aggregateId,
      aggregateVersion: 3,
      actor: 'tester',
      scopeUnitIds: [],
      payload: { label: 'e1' },
    });
    expect(r.seen[0].occurredAt).toBeInstanceOf(Date);
    expect(await r.poll()).toEqual([]);
  });

  it('never shows the events of a rolled-back transaction', async () => {
    const type = `test.rollback.${uid()}`;
    const r = reader(await currentCursor(em()), type);
    await expect(
      em().transactional(async (tx) => {
        recordEvent(tx as EntityManager, { type, aggregateType: 'Test', aggregateId: randomUUID(), payload: { label: 'gone' } });
        await (tx as EntityManager).flush();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await commitEvents(type, ['kept']);
    expect(await r.pollUntil(1)).toEqual(['kept']);
    await r.poll();
    expect(r.labels()).toEqual(['kept']);
  });

  it('starts a new reader after everything committed before currentCursor was taken', async () => {
    const type = `test.cursor.${uid()}`;
    await commitEvents(type, ['before']);
    // Transaction ids are cluster-wide: a transaction still open anywhere (another suite's database) holds the cursor
    // back, and the reader would then rightly deliver 'before' too. Take the cursor once none older is open.
    const [{ txid }] = await em().execute<{ txid: string }[]>(`select txid::text as txid from outbox_event where type = ?`, [type]);
    await waitFor(async () => BigInt((await currentCursor(em())).txid) > BigInt(txid), 20_000, 'older transactions to end');
    const r = reader(await currentCursor(em()), type);
    await commitEvents(type, ['after']);
    expect(await r.pollUntil(1)).toEqual(['after']);
  });

  it('returns events in transaction order and, within one, as written; small batches resume without gaps or repeats', async () => {
    const type = `test.order.${uid()}`;
    // Ids cross a power of ten inside the first transaction (999, 1000, ...): a text ordering would differ.
    await em().execute(
      `select setval(pg_get_serial_sequence('outbox_event', 'id'),
                     greatest(10 ^ (length((select coalesce(max(id), 1) from outbox_event)::text) + 1) - 2, 1)::bigint)`,
    );
    const start = await currentCursor(em());
    await commitEvents(type, ['a1', 'a2']);
    await commitEvents(type, ['b1']);
    await commitEvents(type, ['c1', 'c2', 'c3']);
    const whole = reader(start, type);
    expect(await whole.pollUntil(6)).toEqual(['a1', 'a2', 'b1', 'c1', 'c2', 'c3']);
    expect(String(whole.seen[1].id)).toMatch(/^10+$/);
    const txids = [...new Set(whole.seen.map((e) => e.txid))];
    expect(txids).toHaveLength(3);
    expect(txids.map(BigInt)).toEqual(txids.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const paged = reader(start, type, 2);
    expect(await paged.pollUntil(6)).toEqual(['a1', 'a2', 'b1', 'c1', 'c2', 'c3']);
    expect(await paged.poll()).toEqual([]);
  });
});

const needsPostgres = dbKind() === 'postgres';
if (!needsPostgres) {
  console.log('outbox: overlapping-transaction tests skipped: PGlite runs one transaction at a time (needs real PostgreSQL; set DATABASE_URL)');
}
const pgTest = needsPostgres ? it : it.skip;
const suffix = needsPostgres ? '' : ' (needs real PostgreSQL: PGlite serialises transactions)';

describe('overlapping transactions', () => {
  pgTest(`does not skip an event of a transaction that started earlier but committed later than another${suffix}`, async () => {
    const type = `test.overlap.${uid()}`;
    const r = reader(await currentCursor(em()), type);
    const early = await pgClient();
    const late = await pgClient();
    await early.query('BEGIN');
    await insert(early, type, 'early'); // takes the lower transaction id
    await late.query('BEGIN');
    await insert(late, type, 'late');
    await late.query('COMMIT');

    // The reader polls while the earlier transaction is still open: whatever it takes now, its cursor must not
    // jump past a transaction that can still commit.
    await r.poll();
    await early.query('COMMIT');
    expect((await r.pollUntil(2)).sort()).toEqual(['early', 'late']);
    expect(await r.poll()).toEqual([]);
    expect(r.labels()).toHaveLength(2);
  });

  pgTest(`starts a new reader before a transaction that is still running when currentCursor is taken${suffix}`, async () => {
    const type = `test.running.${uid()}`;
    const open = await pgClient();
    await open.query('BEGIN');
    await insert(open, type, 'in-flight');
    const r = reader(await currentCursor(em()), type);
    await commitEvents(type, ['later']);
    await open.query('COMMIT');
    expect((await r.pollUntil(2)).sort()).toEqual(['in-flight', 'later']);
  });
});
