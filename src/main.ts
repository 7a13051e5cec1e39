import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from './config/config';
import { hubSchema, openOrm, prepareDatabase, startHub } from './hub';
import { findAccountForToken } from './modules/accounts/account.service';
import { databaseIsEmpty, seedDemo } from './modules';
import { exportTask, importCoursesTask, importIiaTask, stderrLogger } from './modules/exports/commands';
import { reindexCommand } from './modules/search/reindex';
import { ROLES, type Role } from './platform/auth/viewer';
import { signDevelopmentToken } from './platform/auth/tokens';
import { migrate } from './platform/db/orm';
import { writeSchemaFile } from './platform/graphql/schema';
import { createLogger, type Logger } from './platform/logging/logger';
import {
  formatImportSummary,
  ImportFileError,
  importPartners,
  readImportFile,
  type ImportSummary,
  type ParsedFile,
} from './modules/institutions/institution-import.service';

const USAGE = `Usage: node dist/main.js <command> [options]   (npm run <command> -- [options])

Commands:
  start                  run the hub (HTTP and WebSocket on PORT, default 4000)
  migrate                apply pending database migrations
  seed                   load the demo data into an empty database
  token                  print a development token:
                           --role ROLE      APPLICANT | COORDINATOR | STAFF | ADMIN (uses that demo user)
                           --user EMAIL     a demo user by e-mail
                           --sub SUBJECT    any subject (no demo user needed)
                           --unit CODE|ID   a unit the token is scoped to (repeatable; coordinators)
                           --expires 12h    lifetime
  schema                 write schema.graphql from the code
  import partners FILE.. import partner institutions: ECHE or world-universities JSON, CSV with a header row
                           (--json: summary as JSON)
  migration:create       write a new migration for entity changes (development)
  export iia <id>        print an agreement as an EWP IIA v7 get-response document (XML)
  export partners-csv    print the institution directory as CSV (--bom for Excel)
  export agreements-csv  print the agreements as CSV (--bom for Excel)
  import iia <file.xml>  import a partner's EWP IIA v7 get-response into an agreement (--json: report as JSON)
  import courses <file.csv>
                         replace the home course catalogue (all or nothing; unlisted courses are deactivated)
  reindex                rebuild the search indexes (Meilisearch: a fresh index swapped in; PostgreSQL table)
                           --check          compare documents per type in the database and the indexes
                                            (exit 1 when they differ)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 78; // EX_CONFIG
    }
    throw e;
  }
  const log = createLogger(config);
  switch (command) {
    case 'start':
      return start(config, log);
    case 'migrate':
      return withDatabase(config, log, async (orm) => {
        const applied = await migrate(orm);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      });
    case 'seed':
      return withDatabase(config, log, async (orm) => {
        await migrate(orm);
        if (!(await databaseIsEmpty(orm.em.fork()))) {
          console.log('The database already holds data; the demo seed only loads into an empty database.');
          return;
        }
        await seedDemo(orm.em.fork(), config, log);
        console.log('Demo data loaded.');
      });
    case 'token':
      return token(config, log, rest);
    case 'schema': {
      const file = writeSchemaFile(await hubSchema());
      console.log(`Wrote ${file}`);
      return 0;
    }
    case 'migration:create':
      return withDatabase(config, log, async (orm) => {
        const result = await orm.getMigrator().createMigration();
        console.log(result.fileName ? `Wrote src/migrations/${result.fileName}; add it to src/migrations/index.ts` : 'No changes.');
      });
    case 'export':
      return runDataTask(config, exportTask(rest));
    case 'import': {
      const [what, ...args] = rest;
      if (what === 'partners') return importPartnersCommand(config, args);
      return runDataTask(
        config,
        what === 'iia'
          ? importIiaTask(args)
          : what === 'courses'
            ? importCoursesTask(args)
            : `Unknown import: ${what ?? '(none)'}; use: import partners <file> ..., import iia <file.xml> or import courses <file.csv>`,
      );
    }
    case 'reindex':
      return reindexCommand(config, rest);
    default:
      console.error(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

async function start(config: Config, log: Logger): Promise<number> {
  const hub = await startHub(config, log);
  console.log(`\n  IRO Hub: ${hub.url}  (GraphiQL in a browser, graphql-ws on the same URL)\n`);
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down: finishing in-flight operations');
      const force = setTimeout(() => {
        log.error('shutdown took too long; exiting');
        resolve(1);
      }, config.shutdownTimeoutMs + 5000).unref();
      hub.close().then(
        () => {
          clearTimeout(force);
          log.info('stopped');
          resolve(0);
        },
        (e: unknown) => {
          log.error({ err: e }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** An import or export: a usage message (exit 2), or a task run on the migrated database with its log on stderr. */
async function runDataTask(config: Config, task: string | ((orm: Awaited<ReturnType<typeof openOrm>>['orm']) => Promise<void>)): Promise<number> {
  if (typeof task === 'string') {
    console.error(task);
    return 2;
  }
  // Data goes to stdout, so the log goes to stderr.
  const quiet = stderrLogger(config);
  return withDatabase(config, quiet, async (orm) => {
    await prepareDatabase(orm, config, quiet);
    await task(orm);
  });
}

async function withDatabase(config: Config, log: Logger, task: (orm: Awaited<ReturnType<typeof openOrm>>['orm']) => Promise<void>) {
  const { orm, db } = await openOrm(config, log, 'task');
  try {
    await task(orm);
    return 0;
  } finally {
    await orm.close();
    await db.close();
  }
}

async function token(config: Config, log: Logger, args: string[]): Promise<number> {
  if (config.production) {
    console.error('Refusing to issue a development token in production (NODE_ENV=production).');
    return 1;
  }
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string', multiple: true },
      user: { type: 'string' },
      sub: { type: 'string' },
      unit: { type: 'string', multiple: true },
      expires: { type: 'string', default: '12h' },
    },
  });
  const roles = (values.role ?? []).map((r) => r.toUpperCase());
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) {
    console.error(`Unknown role ${unknown.join(', ')}; use one of ${ROLES.join(', ')}`);
    return 2;
  }
  if (!values.sub && !values.user && roles.length === 0) {
    console.error('Say who the token is for: --role ROLE, --user EMAIL or --sub SUBJECT (see npm run token -- --help)');
    return 2;
  }
  const uuid = /^[0-9a-f-]{36}$/i;
  const unitArgs = values.unit ?? [];
  const needsDatabase = !values.sub || unitArgs.some((u) => !uuid.test(u));
  let subject = values.sub;
  let tokenRoles = roles as Role[];
  let units = unitArgs.filter((u) => uuid.test(u));
  let name: string | undefined;
  if (needsDatabase) {
    const status = await withDatabase(config, log, async (orm) => {
      await prepareDatabase(orm, config, log);
      const em = orm.em.fork();
      if (!subject) {
        const account = await findAccountForToken(em, { email: values.user, role: roles[0] });
        if (!account) throw new Error(values.user ? `No user with e-mail ${values.user}` : `No demo user has the role ${roles[0]}`);
        subject = account.subject;
        name = account.displayName;
        if (tokenRoles.length === 0) tokenRoles = account.roles;
        if (unitArgs.length === 0) units = account.unitIds;
      }
      const codes = unitArgs.filter((u) => !uuid.test(u));
      if (codes.length) {
        const rows = await em.execute<{ id: string; code: string }[]>(
          `select u.id::text as id, u.code from organisational_unit u join institution i on i.id = u.institution_id
            where i.is_home and u.code = any(?::text[])`,
          [`{${codes.map((c) => `"${c}"`).join(',')}}`],
        );
        const missing = codes.filter((c) => !rows.some((r) => r.code === c));
        if (missing.length) throw new Error(`Unknown unit code(s): ${missing.join(', ')}`);
        units.push(...rows.map((r) => r.id));
      }
    });
    if (status !== 0) return status;
  }
  const jwt = await signDevelopmentToken(config, { sub: subject!, roles: tokenRoles, units, name, expiresIn: values.expires });
  process.stdout.write(`${jwt}\n`);
  return 0;
}

/** `import partners <file> [<file> ...] [--json]`: every file is read before anything is written. */
async function importPartnersCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals: files } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (files.length === 0) {
    console.error('Usage: npm run import -- partners <file> [<file> ...] [--json]');
    return 2;
  }
  const parsed: { file: string; data: ParsedFile }[] = [];
  for (const file of files) {
    try {
      parsed.push({ file, data: await readImportFile(file) });
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      console.error(`Cannot import ${file}: ${e.message}`);
      return 1;
    }
  }
  // Log lines go to stderr: stdout carries the summary (JSON with --json).
  const taskLog = pino({ level: config.logLevel, base: { service: 'iro-hub' } }, pino.destination(2));
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  const summaries: (ImportSummary & { file: string })[] = [];
  try {
    await withDatabase(config, taskLog, async (orm) => {
      await prepareDatabase(orm, config, taskLog);
      for (const { file, data } of parsed) {
        if (stop.signal.aborted) break;
        const bar = process.stderr.isTTY && !values.json ? progressBar(path.basename(file)) : undefined;
        const summary = await importPartners(orm.em.fork(), data, { onProgress: bar?.update, signal: stop.signal });
        bar?.done();
        summaries.push({ file, ...summary });
        if (!values.json) console.log(`${formatImportSummary(file, summary)}\n`);
      }
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (values.json) console.log(JSON.stringify({ files: summaries }, null, 2));
  return stop.signal.aborted ? 130 : 0;
}

/** A one-line progress bar on stderr (a terminal): `eche-holders.json [#######.......]  48%  2841/5912`. */
function progressBar(label: string) {
  let last = -1;
  return {
    update: (done: number, total: number) => {
      const ratio = total ? done / total : 1;
      const percent = Math.floor(ratio * 100);
      if (percent === last) return;
      last = percent;
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${done}/${total}`);
    },
    done: () => process.stderr.write('\r\x1b[2K'),
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
