import { Migrator } from '@mikro-orm/migrations';
import type { LoggerOptions } from '@mikro-orm/core';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations';
import { OutboxConsumer, OutboxEvent } from '../events/outbox-event.entity';
import { Job } from '../jobs/job.entity';
import { CountingOrmLogger } from './sql-counter';

export const platformEntities = [OutboxEvent, OutboxConsumer, Job];

export interface OrmSettings {
  url: string;
  entities: Function[];
  poolMax: number;
  /** Print every SQL statement (LOG_LEVEL=trace). */
  printSql?: boolean;
}

export function ormOptions(settings: OrmSettings): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: settings.url,
    entities: [...platformEntities, ...settings.entities],
    pool: { min: 0, max: settings.poolMax },
    forceUtcTimezone: true,
    // Every read goes through a forked, per-operation entity manager.
    allowGlobalContext: false,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'src/migrations',
      emit: 'ts',
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      silent: true,
      // Listed explicitly so that compiled builds and the test runner find the same migrations.
      migrationsList,
    },
    loggerFactory: (options: LoggerOptions) => new CountingOrmLogger(options, settings.printSql ?? false),
    debug: settings.printSql ? ['query', 'query-params'] : false,
  };
}

export function initOrm(settings: OrmSettings): Promise<MikroORM> {
  return MikroORM.init(ormOptions(settings));
}

/** Applies pending migrations; the schema is never synchronised from entities at runtime. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
