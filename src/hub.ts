import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { Config } from './config/config';
import { ensureMobilityReference } from './modules/mobility/mobility.seed';
import { moduleEntities, moduleResolvers, databaseIsEmpty, mountModuleRoutes, registerModuleJobs, seedDemo } from './modules';
import { createTokenVerifier } from './platform/auth/tokens';
import { openDatabase, type DatabaseHandle } from './platform/db/database';
import { EMBEDDED_MAX_CONNECTIONS } from './platform/db/embedded';
import { initOrm, migrate } from './platform/db/orm';
import { MemoryBus, PostgresBus, RedisBus, type EventBus } from './platform/events/bus';
import { OutboxDispatcher } from './platform/events/dispatcher';
import { recordEvent, type HubEvents } from './platform/events/outbox';
import { RequestContext } from './platform/graphql/context';
import { buildHubSchema } from './platform/graphql/schema';
import { startHttpServer, type RunningHttpServer } from './platform/http/server';
import { JobRunner } from './platform/jobs/job-runner';
import { createLogger, redactUrl, type Logger } from './platform/logging/logger';
import { startEmbeddedMeili } from './modules/search/meili-server';

export interface Hub {
  url: string;
  port: number;
  config: Config;
  log: Logger;
  orm: MikroORM;
  bus: EventBus;
  dispatcher: OutboxDispatcher;
  jobs: JobRunner;
  close(): Promise<void>;
}

let schemaPromise: Promise<GraphQLSchema> | undefined;
/** The schema is the same for every hub in a process; built once. */
export function hubSchema(): Promise<GraphQLSchema> {
  return (schemaPromise ??= buildHubSchema(moduleResolvers));
}

export function createBus(config: Config, url: string, log: Logger): EventBus {
  if (config.events.bus === 'redis') return new RedisBus(config.events.redisUrl!, log);
  if (config.events.bus === 'postgres') return new PostgresBus(url, log);
  return new MemoryBus();
}

/** Opens the database and brings it up to date (migrations, demo seed on an empty database). */
export async function openOrm(config: Config, log: Logger, role: 'server' | 'task'): Promise<{ orm: MikroORM; db: DatabaseHandle }> {
  const db = await openDatabase(config, log, role);
  try {
    const orm = await initOrm({
      url: db.url,
      entities: moduleEntities,
      // PGlite runs one statement at a time whatever the pool; a small pool keeps its socket slots free for tasks.
      poolMax: config.databaseUrl ? config.databasePoolMax : Math.min(4, EMBEDDED_MAX_CONNECTIONS / 4),
      printSql: config.logLevel === 'trace',
    });
    return { orm, db };
  } catch (e) {
    await db.close();
    throw e;
  }
}

export async function prepareDatabase(orm: MikroORM, config: Config, log: Logger): Promise<void> {
  const applied = await migrate(orm);
  if (applied.length) log.info({ migrations: applied }, 'migrations applied');
  const referenceRows = await ensureMobilityReference(orm.em.fork());
  if (referenceRows) log.info({ rows: referenceRows }, 'mobility programmes and rules added from seeds/reference');
  if (config.seedDemoOnEmpty && (await databaseIsEmpty(orm.em.fork()))) {
    await seedDemo(orm.em.fork(), config, log);
    log.info('empty database: demo data loaded from seeds/demo');
  }
}

export async function startHub(config: Config, log: Logger = createLogger(config)): Promise<Hub> {
  const started = Date.now();
  const { orm, db } = await openOrm(config, log, 'server');
  const closers: (() => Promise<unknown>)[] = [() => db.close(), () => orm.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((e: unknown) => log.warn({ err: e }, 'error during shutdown'));
  };
  try {
    if (config.databaseUrl) log.info({ database: redactUrl(config.databaseUrl) }, 'using PostgreSQL');
    // Without MEILI_URL the bundled Meilisearch starts (when present); the search module then reads its address from config.
    const meili = await startEmbeddedMeili(config, log);
    if (meili) {
      config = meili.config;
      closers.push(() => meili.stop());
    }
    await prepareDatabase(orm, config, log);
    const schema = await hubSchema();

    const bus = createBus(config, db.url, log);
    await bus.start();
    closers.push(() => bus.close());
    const dispatcher = new OutboxDispatcher(orm, bus, log, config.events.pollMs);
    await dispatcher.start();
    closers.push(() => dispatcher.stop());

    const jobs = new JobRunner(orm, log, config.jobs);
    jobs.schedule('outbox.prune', 6 * 3600_000, async (_payload, job) => {
      await job.em.execute(
        `delete from outbox_event where occurred_at < now() - make_interval(days => ?)`,
        [config.events.retentionDays],
      );
      await job.em.execute(`delete from job where state = 'done' and finished_at < now() - interval '7 days'`);
    });
    registerModuleJobs(jobs, { config, orm, log });
    bus.onRing(() => void jobs.wake());
    jobs.onJobDone(() => bus.ring());

    const events: HubEvents = {
      record: recordEvent,
      ring: () => bus.ring(),
      stream: (accept) => dispatcher.stream(accept),
    };
    const verifier = createTokenVerifier(config);
    const server: RunningHttpServer = await startHttpServer({
      config,
      log,
      schema,
      verifier,
      createContext: ({ requestId, viewer, locale }) =>
        new RequestContext(requestId, viewer, locale, orm.em, config, log.child({ requestId }), events),
      mountRoutes: mountModuleRoutes,
      checkReady: async () => {
        await orm.em.fork().execute('select 1');
      },
    });
    // Jobs start after the server so that a slow job never delays readiness; they stop before the database closes.
    if (config.jobs.enabled) await jobs.start();
    closers.push(() => jobs.stop());
    closers.push(() => server.close());

    log.info({ url: server.url, ms: Date.now() - started, bus: bus.kind, embedded: db.embedded }, `IRO Hub ready at ${server.url}`);
    let closing: Promise<void> | undefined;
    return {
      url: server.url,
      port: server.port,
      config,
      log,
      orm,
      bus,
      dispatcher,
      jobs,
      close: () => (closing ??= closeAll()),
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
