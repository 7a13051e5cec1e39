/**
 * Publishing schedules survive restarts: publishAt and unpublishAt are rows in the `job` table, run by whichever hub
 * is up when they come due. Each restart here stops a hub process (SIGTERM) and starts a new one (`node dist/main.js
 * start`) on this worker's database; that works on both lanes, the per-worker PGlite being served from jest's parent
 * process on a socket, like PostgreSQL. The database is read directly while no hub runs.
 */
import { Client } from 'pg';
import {
  ArchiveContentDocument,
  ContentCreateDetailedDocument,
  ContentDetailByIdDocument,
  ContentRevisionsDetailedDocument,
  PublishContentDocument,
  ReturnContentToDraftDocument,
} from '../generated/graphql';
import { signDevelopmentToken } from '../../src/platform/auth/tokens';
import { testConfig, waitFor, workerDatabaseUrl } from '../support/hub';
import { startHubProcess, stopAllHubProcesses, type RunningHubProcess } from '../support/process';

const RUN = Math.random().toString(36).slice(2, 8);
let sequence = 0;
const uniq = () => `${RUN}${++sequence}`;
const TAG = `scheduling-${RUN}`;
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const HOUR = 3_600_000;

let db: Client;
let staff: string;

beforeAll(async () => {
  db = new Client({ connectionString: workerDatabaseUrl(), application_name: 'scheduling-test' });
  await db.connect();
  staff = await signDevelopmentToken(testConfig(), { sub: 'scheduling-staff', roles: ['STAFF'], units: [] });
});
afterAll(async () => {
  await stopAllHubProcesses();
  await db.end();
});

interface JobRow {
  name: string;
  state: string;
  run_at: Date;
  singleton_key: string;
  payload: { id: string };
}

/**
 * A query with its parameters inlined as literals (the simple protocol): PGlite serves every connection from one
 * session, where the hub's extended-protocol statements could replace this connection's unnamed statement mid-way.
 */
function query<T extends object = Record<string, unknown>>(text: string, params: unknown[]) {
  const literal = (v: unknown) => `'${(v instanceof Date ? v.toISOString() : String(v)).replace(/'/g, "''")}'`;
  return db.query<T>(text.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1])));
}

/** Every job row of an item (go-live and expire), oldest first. */
async function jobsOf(uuid: string): Promise<JobRow[]> {
  const res = await query<JobRow>(
    `select name, state, run_at, singleton_key, payload from job where singleton_key in ($1, $2) order by created_at, name`,
    [`content.goLive:${uuid}`, `content.expire:${uuid}`],
  );
  return res.rows;
}

async function pendingJobsOf(uuid: string): Promise<JobRow[]> {
  return (await jobsOf(uuid)).filter((j) => j.state === 'pending');
}

async function outboxCount(uuid: string, type: string): Promise<number> {
  const res = await query<{ n: number }>(`select count(*)::int as n from outbox_event where aggregate_id = $1 and type = $2`, [uuid, type]);
  return res.rows[0].n;
}

async function itemRow(uuid: string) {
  const res = await query<{ status: string; published_at: Date | null; publish_at: Date | null; unpublish_at: Date | null }>(
    `select status, published_at, publish_at, unpublish_at from content_item where id = $1`,
    [uuid],
  );
  return res.rows[0];
}

async function startHub(label: string): Promise<RunningHubProcess> {
  return startHubProcess({}, { label, readyWithinMs: 30_000 });
}

async function createEvent(hub: RunningHubProcess) {
  const startsAt = new Date(Date.now() + 30 * 24 * HOUR);
  const res = await hub.request(
    ContentCreateDetailedDocument,
    {
      input: {
        type: 'EVENT',
        title: { tr: `Zamanlanmış Etkinlik ${uniq()}` },
        tags: [TAG],
        event: {
          kind: 'INFO_SESSION',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(),
          timeZone: 'Europe/Istanbul',
          organiserKind: 'OFFICE',
        },
      },
    },
    staff,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createContent;
}

async function publish(hub: RunningHubProcess, item: { id: string; version: number }, window: { publishAt?: Date; unpublishAt?: Date }) {
  const res = await hub.request(
    PublishContentDocument,
    { id: item.id, version: item.version, publishAt: window.publishAt?.toISOString(), unpublishAt: window.unpublishAt?.toISOString() },
    staff,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.publishContent;
}

async function readAs(hub: RunningHubProcess, id: string, token?: string) {
  const res = await hub.request(ContentDetailByIdDocument, { id }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.content;
}

/** Stops a hub gracefully and checks that it is gone. */
async function stop(hub: RunningHubProcess): Promise<void> {
  expect(await hub.stop()).toEqual({ code: 0, signal: null });
}

describe('scheduling across a restart', () => {
  it('makes an item live at its publishAt when the hub was stopped before it came and a new hub process started after it had passed, announcing it once', async () => {
    const before = await startHub('hub before the restart');
    const item = await createEvent(before);
    const uuid = uuidOf(item.id);
    const publishAt = new Date(Date.now() + 4000);
    const scheduled = await publish(before, item, { publishAt });
    expect(scheduled).toMatchObject({ status: 'PUBLISHED', visibility: 'SCHEDULED', publishedAt: null, publishAt: publishAt.toISOString() });
    expect(await readAs(before, item.id)).toBeNull();
    await stop(before);

    // No hub runs: the job waits in the database, not yet run.
    expect(await jobsOf(uuid)).toEqual([
      expect.objectContaining({ name: 'content.goLive', state: 'pending', run_at: publishAt, singleton_key: `content.goLive:${uuid}`, payload: { id: uuid } }),
    ]);
    await waitFor(() => Date.now() > publishAt.getTime() + 500, 10_000, 'publishAt to pass');
    expect(await itemRow(uuid)).toMatchObject({ status: 'PUBLISHED', published_at: null });
    expect(await outboxCount(uuid, 'content.published')).toBe(0);
    expect((await pendingJobsOf(uuid)).map((j) => j.name)).toEqual(['content.goLive']);

    const after = await startHub('hub after the restart');
    await waitFor(async () => (await jobsOf(uuid))[0]?.state === 'done', 15_000, 'the go-live job to run on the new hub');
    await after.waitForLog((l) => l.msg === 'content went live' && l.contentId === uuid, 5000, 'the go-live log line');

    const live = await readAs(after, item.id);
    expect(live).toMatchObject({ id: item.id, status: 'PUBLISHED', visibility: 'LIVE', publishAt: publishAt.toISOString() });
    expect(Date.parse(live!.publishedAt!)).toBeGreaterThanOrEqual(publishAt.getTime());
    expect((await itemRow(uuid)).published_at).toEqual(new Date(live!.publishedAt!));
    expect(await jobsOf(uuid)).toEqual([expect.objectContaining({ name: 'content.goLive', state: 'done' })]);
    // Announced exactly once, by the job (publishing a scheduled item announces nothing yet).
    expect(await outboxCount(uuid, 'content.published')).toBe(1);
    await after.stop();
    expect(await outboxCount(uuid, 'content.published')).toBe(1);
  }, 90_000);

  it('archives an item at its unpublishAt after a restart, with a revision by nobody (the scheduler) and one archived event', async () => {
    const before = await startHub('hub before the restart');
    const item = await createEvent(before);
    const uuid = uuidOf(item.id);
    const unpublishAt = new Date(Date.now() + 4000);
    const live = await publish(before, item, { unpublishAt });
    expect(live).toMatchObject({ status: 'PUBLISHED', visibility: 'LIVE', unpublishAt: unpublishAt.toISOString() });
    expect((await readAs(before, item.id))?.id).toBe(item.id);
    await stop(before);

    expect(await jobsOf(uuid)).toEqual([
      expect.objectContaining({ name: 'content.expire', state: 'pending', run_at: unpublishAt, singleton_key: `content.expire:${uuid}` }),
    ]);
    await waitFor(() => Date.now() > unpublishAt.getTime() + 500, 10_000, 'unpublishAt to pass');
    expect(await itemRow(uuid)).toMatchObject({ status: 'PUBLISHED' });
    expect(await outboxCount(uuid, 'content.archived')).toBe(0);

    const after = await startHub('hub after the restart');
    await waitFor(async () => (await itemRow(uuid)).status === 'ARCHIVED', 15_000, 'the expire job to archive the item');
    await waitFor(async () => (await jobsOf(uuid))[0]?.state === 'done', 5000, 'the expire job to be marked done');

    expect(await readAs(after, item.id)).toBeNull();
    expect(await readAs(after, item.id, staff)).toMatchObject({ status: 'ARCHIVED', visibility: 'ARCHIVED' });
    const revisions = (await after.request(ContentRevisionsDetailedDocument, { id: item.id }, staff)).data!.content!.revisions;
    expect(revisions[0]).toMatchObject({ status: 'ARCHIVED', author: null, note: 'archived: unpublishAt passed' });
    expect(revisions[1]).toMatchObject({ status: 'PUBLISHED', author: 'scheduling-staff' });
    expect(await outboxCount(uuid, 'content.archived')).toBe(1);
    expect(await outboxCount(uuid, 'content.statusChanged')).toBe(2); // DRAFT → PUBLISHED, PUBLISHED → ARCHIVED
    await after.stop();
  }, 90_000);
});

describe('rescheduling and cancelling', () => {
  let hub: RunningHubProcess;
  beforeAll(async () => {
    hub = await startHub('hub');
  });
  afterAll(() => hub.stop());

  it('replaces the pending go-live and expire jobs when an item is published again with later times: one pending job of each per item', async () => {
    const item = await createEvent(hub);
    const uuid = uuidOf(item.id);
    const first = { publishAt: new Date(Date.now() + HOUR), unpublishAt: new Date(Date.now() + 2 * HOUR) };
    const scheduled = await publish(hub, item, first);
    expect(await pendingJobsOf(uuid)).toEqual([
      expect.objectContaining({ name: 'content.expire', singleton_key: `content.expire:${uuid}`, run_at: first.unpublishAt }),
      expect.objectContaining({ name: 'content.goLive', singleton_key: `content.goLive:${uuid}`, run_at: first.publishAt }),
    ]);

    const later = { publishAt: new Date(Date.now() + 3 * HOUR), unpublishAt: new Date(Date.now() + 4 * HOUR) };
    const rescheduled = await publish(hub, scheduled, later);
    expect(rescheduled).toMatchObject({ visibility: 'SCHEDULED', publishAt: later.publishAt.toISOString(), unpublishAt: later.unpublishAt.toISOString() });
    const pending = await pendingJobsOf(uuid);
    expect(pending).toHaveLength(2);
    expect(pending.find((j) => j.name === 'content.goLive')).toMatchObject({ singleton_key: `content.goLive:${uuid}`, run_at: later.publishAt });
    expect(pending.find((j) => j.name === 'content.expire')).toMatchObject({ singleton_key: `content.expire:${uuid}`, run_at: later.unpublishAt });
    // The replaced jobs are gone, not left to run.
    expect(await jobsOf(uuid)).toHaveLength(2);

    // Rescheduled without an end: the expire job goes too.
    const noEnd = await publish(hub, rescheduled, { publishAt: later.unpublishAt });
    expect(noEnd.unpublishAt).toBeNull();
    expect((await pendingJobsOf(uuid)).map((j) => [j.name, j.run_at])).toEqual([['content.goLive', later.unpublishAt]]);

    // Published now instead: live at once, announced once, no job left.
    const now = await publish(hub, noEnd, {});
    expect(now).toMatchObject({ visibility: 'LIVE', publishAt: null });
    expect(await pendingJobsOf(uuid)).toEqual([]);
    expect(await outboxCount(uuid, 'content.published')).toBe(1);
  });

  it("keeps a go-live job that comes due before publishAt by the hub's clock (a database clock running ahead): the item is announced at publishAt", async () => {
    const item = await createEvent(hub);
    const uuid = uuidOf(item.id);
    const publishAt = new Date(Date.now() + 4000);
    await publish(hub, item, { publishAt });
    // The database decides when a job is due; make it due now, as a database clock ahead of the hub's would.
    await query(`update job set run_at = now() where singleton_key = $1 and state = 'pending'`, [`content.goLive:${uuid}`]);
    await waitFor(async () => (await jobsOf(uuid)).some((j) => j.state === 'done'), 5000, 'the early run');
    expect(await itemRow(uuid)).toMatchObject({ published_at: null });
    expect(Date.now()).toBeLessThan(publishAt.getTime());
    // It is due again at publishAt, and runs then.
    expect((await pendingJobsOf(uuid)).map((j) => [j.name, j.run_at])).toEqual([['content.goLive', publishAt]]);
    await waitFor(async () => (await itemRow(uuid)).published_at !== null, 10_000, 'the item to be announced at publishAt');
    expect((await itemRow(uuid)).published_at!.getTime()).toBeGreaterThanOrEqual(publishAt.getTime());
    expect(await outboxCount(uuid, 'content.published')).toBe(1);
    expect(await pendingJobsOf(uuid)).toEqual([]);
  });

  it("keeps an expire job that comes due before unpublishAt by the hub's clock: the item is archived at unpublishAt", async () => {
    const item = await createEvent(hub);
    const uuid = uuidOf(item.id);
    const unpublishAt = new Date(Date.now() + 4000);
    await publish(hub, item, { unpublishAt });
    await query(`update job set run_at = now() where singleton_key = $1 and state = 'pending'`, [`content.expire:${uuid}`]);
    await waitFor(async () => (await jobsOf(uuid)).some((j) => j.state === 'done'), 5000, 'the early run');
    expect(await itemRow(uuid)).toMatchObject({ status: 'PUBLISHED' });
    expect(Date.now()).toBeLessThan(unpublishAt.getTime());
    expect((await pendingJobsOf(uuid)).map((j) => [j.name, j.run_at])).toEqual([['content.expire', unpublishAt]]);
    await waitFor(async () => (await itemRow(uuid)).status === 'ARCHIVED', 10_000, 'the item to be archived at unpublishAt');
    expect(await outboxCount(uuid, 'content.archived')).toBe(1);
  });

  it('cancels the pending jobs when a scheduled item returns to draft or is archived', async () => {
    const window = () => ({ publishAt: new Date(Date.now() + HOUR), unpublishAt: new Date(Date.now() + 2 * HOUR) });
    const item = await createEvent(hub);
    const uuid = uuidOf(item.id);
    const scheduled = await publish(hub, item, window());
    expect(await pendingJobsOf(uuid)).toHaveLength(2);
    const res = await hub.request(ReturnContentToDraftDocument, { id: item.id, version: scheduled.version, note: 'not yet' }, staff);
    expect(res.errors).toBeUndefined();
    expect(res.data!.returnContentToDraft).toMatchObject({ status: 'DRAFT', publishAt: null, unpublishAt: null });
    expect(await jobsOf(uuid)).toEqual([]);

    const again = await publish(hub, res.data!.returnContentToDraft, window());
    expect(await pendingJobsOf(uuid)).toHaveLength(2);
    const archived = await hub.request(ArchiveContentDocument, { id: item.id, version: again.version }, staff);
    expect(archived.errors).toBeUndefined();
    expect(archived.data!.archiveContent.status).toBe('ARCHIVED');
    expect(await jobsOf(uuid)).toEqual([]);
    expect(await outboxCount(uuid, 'content.published')).toBe(0);
  });
});
