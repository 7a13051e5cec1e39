import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../config/config';
import type { JobRunner } from '../../platform/jobs/job-runner';
import type { Logger } from '../../platform/logging/logger';
import { MeiliEngine } from './meili.engine';
import { meiliOptions } from './meili.index';
import { MEILI_CONSUMER, MEILI_CONSUMER_OPTIONS, MeiliSink, meiliOutboxConsumer } from './meili.sink';
import { PgEngine } from './pg.engine';
import { PgSink } from './pg.sink';
import { reindex } from './reindex';
import { SearchDocumentEntity } from './search-document.entity';
import { SearchResolver } from './search.resolver';
import { useSearchEngines } from './search.service';

/** The search module's entities and resolvers, as the module list wires them. */
export const searchEntities = [SearchDocumentEntity];
export const searchResolvers = [SearchResolver];

const PG_CONSUMER = 'search.postgres';
const BOOTSTRAP_JOB = 'search.bootstrap';

/**
 * Sets up search for a hub: the PostgreSQL engine always (and as the fallback), Meilisearch when configured (or the
 * bundled server was started); one outbox consumer per index, each with its own cursor, so an unreachable Meilisearch
 * never holds back the PostgreSQL index; and a start-up check that builds the indexes when they are empty (a new
 * install, a new Meilisearch server, or data that predates the outbox).
 */
export function registerSearch(jobs: JobRunner, { config, orm, log }: { config: Config; orm: MikroORM; log: Logger }): void {
  const pg = new PgEngine(orm.em);
  jobs.consumeOutbox(PG_CONSUMER, meiliOutboxConsumer(new PgSink(orm.em)), MEILI_CONSUMER_OPTIONS);
  const meili = meiliOptions(config);
  if (meili) {
    const engine = new MeiliEngine(meili);
    jobs.consumeOutbox(MEILI_CONSUMER, meiliOutboxConsumer(new MeiliSink(meili)), MEILI_CONSUMER_OPTIONS);
    useSearchEngines(config, { primary: engine, fallback: pg });
  } else {
    useSearchEngines(config, { primary: pg });
  }
  jobs.register(
    BOOTSTRAP_JOB,
    async (_payload, job) => {
      const [{ n }] = await job.em.execute<{ n: number }[]>(`select count(*)::int as n from search_document`);
      const [{ records }] = await job.em.execute<{ records: number }[]>(`select count(*)::int as records from institution`);
      let meiliEmpty = false;
      if (meili) {
        // An unreachable server counts as not empty: the consumer's retries fill it once it is back.
        const stats = await new MeiliEngine(meili).client
          .index(meili.index)
          .getStats()
          .catch(() => null);
        meiliEmpty = stats !== null && stats.numberOfDocuments === 0;
      }
      if (records > 0 && (n === 0 || meiliEmpty)) {
        job.log.info({ postgresEmpty: n === 0, meiliEmpty }, 'search: building the indexes');
        await reindex(orm, meili, { log: job.log });
      }
    },
    { maxAttempts: 3, backoffMs: 5000 },
  );
  jobs.onStart((em) => jobs.enqueue(em, BOOTSTRAP_JOB, {}, { singletonKey: BOOTSTRAP_JOB }));
}
