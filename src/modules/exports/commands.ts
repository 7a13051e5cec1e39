/**
 * The `export` and `import iia` commands of `node dist/main.js` (npm run export -- ...). Each parses its arguments
 * first (a usage error is a string, before any database is opened) and returns the task to run on the database.
 * What they print goes to stdout; their log lines go to stderr (see `stderrLogger`), so `> file.xml` is clean.
 */
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Config } from '../../config/config';
import { DomainError } from '../../platform/errors/domain-error';
import { recordEvent } from '../../platform/events/outbox';
import { parseGlobalId } from '../../platform/graphql/relay';
import type { Logger } from '../../platform/logging/logger';
import { Agreement } from '../agreements/agreement.entity';
import { importIiaXml, type TransactionRunner } from '../agreements/ewp/iia-import';
import { buildIiaExport } from '../agreements/ewp/iia-xml';
import { beneficiaryModuleCsv, beneficiaryModuleXlsx } from '../mobility/beneficiary-module';
import { importHomeCourseFile } from '../mobility/course-import';
import { contractNumberOf, reportedMobilities } from '../mobility/reporting.service';
import { agreementsCsv, institutionsCsv } from './csv-export';

export type DatabaseTask = (orm: MikroORM) => Promise<void>;

export const EXPORT_USAGE = `Usage: npm run export -- <what> [options]
  iia <agreement>        the agreement as an EWP IIA v7 get-response document (XML); <agreement> is its ID, uuid,
                         EWP iia-id or reference
  partners-csv [--bom]   the institution directory as CSV (--bom: with a byte order mark, for Excel)
  agreements-csv [--bom] the agreements as CSV
  mobilities --contract <number> [--format csv|xlsx] [--bom]
                         the ongoing and completed mobilities of a National Agency grant contract for the EU
                         Beneficiary Module (CSV by default; XLSX is written to stdout as binary: > file.xlsx)`;

export const IMPORT_COURSES_USAGE = `Usage: npm run import -- courses <file.csv>
  replaces the home course catalogue (columns code,title_tr,title_en,ects,unit,language,semester,isced), all or nothing;
  courses the file no longer lists are deactivated`;

export const IMPORT_IIA_USAGE = `Usage: node dist/main.js import iia <file.xml> [--json]
  imports a partner's IIA (EWP IIAs API v7 get-response with one iia) into an agreement and reports what changed`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A logger like the hub's, writing to stderr. */
export function stderrLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'iro-hub' },
      redact: { paths: ['authorization', '*.password', '*.secret', 'databaseUrl'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

function print(text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

/** Domain errors (EWP_MISSING_HEI_ID, ...) reach the terminal with their code. */
function withCode(e: unknown): never {
  if (e instanceof DomainError) throw new Error(`${e.reason}: ${e.message}`);
  throw e;
}

async function findAgreementId(em: EntityManager, ref: string): Promise<string> {
  let id: string | undefined;
  if (UUID.test(ref)) id = ref;
  else {
    try {
      const parsed = parseGlobalId(ref, 'agreement');
      if (parsed.type === 'Agreement') id = parsed.id;
    } catch {
      // not a global ID: an iia-id or a reference
    }
  }
  const found = await em.findOne(Agreement, id ? { id } : { $or: [{ ewpIiaId: ref }, { reference: ref }] });
  if (!found) throw new Error(`No agreement ${ref}`);
  return found.id;
}

export function exportTask(args: string[]): DatabaseTask | string {
  const [what, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { bom: { type: 'boolean', default: false }, contract: { type: 'string' }, format: { type: 'string', default: 'csv' } },
    });
  } catch (e) {
    return `${e instanceof Error ? e.message : e}\n\n${EXPORT_USAGE}`;
  }
  const { values, positionals } = parsed;
  switch (what) {
    case 'iia':
      if (positionals.length !== 1) return EXPORT_USAGE;
      return async (orm) => {
        const em = orm.em.fork() as EntityManager;
        const result = await buildIiaExport(em, await findAgreementId(em, positionals[0])).catch(withCode);
        await print(result.xml);
      };
    case 'partners-csv':
      if (positionals.length) return EXPORT_USAGE;
      return async (orm) => print(await institutionsCsv(orm.em.fork() as EntityManager, { bom: values.bom }));
    case 'agreements-csv':
      if (positionals.length) return EXPORT_USAGE;
      return async (orm) => print(await agreementsCsv(orm.em.fork() as EntityManager, { bom: values.bom }));
    case 'mobilities': {
      let contract: string;
      try {
        contract = contractNumberOf(values.contract, 'contract');
      } catch (e) {
        return `${(e as Error).message} (--contract <number>)\n\n${EXPORT_USAGE}`;
      }
      const format = values.format;
      if (positionals.length || (format !== 'csv' && format !== 'xlsx')) return EXPORT_USAGE;
      return async (orm) => {
        const mobilities = await reportedMobilities(orm.em.fork() as EntityManager, contract);
        await print(format === 'xlsx' ? await beneficiaryModuleXlsx(mobilities, contract) : beneficiaryModuleCsv(mobilities, { bom: values.bom }));
      };
    }
    default:
      return EXPORT_USAGE;
  }
}

export function importIiaTask(args: string[]): DatabaseTask | string {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (e) {
    return `${e instanceof Error ? e.message : e}\n\n${IMPORT_IIA_USAGE}`;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return IMPORT_IIA_USAGE;
  return async (orm) => {
    const xml = await readFile(positionals[0], 'utf8');
    const em = orm.em.fork() as EntityManager;
    const run: TransactionRunner = (fn) =>
      em.transactional((tx) => fn({ em: tx as EntityManager, emit: (event) => recordEvent(tx as EntityManager, { actor: 'cli:import', ...event }) }));
    const result = await importIiaXml(run, xml).catch((e: unknown) => {
      if (e instanceof DomainError && Array.isArray(e.details.problems)) {
        const lines = (e.details.problems as { message: string; line: number | null }[]).map((p) => `  ${p.line ? `line ${p.line}: ` : ''}${p.message}`);
        throw new Error(`${e.reason}: ${positionals[0]} is not a valid EWP IIA v7 get-response document\n${lines.join('\n')}`);
      }
      return withCode(e);
    });
    const agreement = result.agreement;
    if (values.json) {
      await print(
        `${JSON.stringify(
          {
            agreementId: agreement.id,
            title: agreement.title,
            created: result.created,
            changes: result.changes,
            institutions: result.institutions.map((i) => ({ heiId: i.heiId, outcome: i.outcome, institutionId: i.institution.id })),
            warnings: result.warnings,
            iiaHash: result.computedHash,
          },
          null,
          2,
        )}\n`,
      );
      return;
    }
    const lines = [
      `${result.created ? 'Created' : result.changes.length ? 'Updated' : 'No changes to'} agreement ${agreement.id} "${agreement.title}" (${agreement.status})`,
      ...result.institutions.map((i) => `  partner ${i.heiId}: ${i.outcome.toLowerCase()} institution ${i.institution.id}`),
      ...(result.created ? [] : result.changes.map((c) => `  changed ${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)),
      ...result.warnings.map((w) => `  warning: ${w}`),
    ];
    await print(`${lines.join('\n')}\n`);
  };
}

/** `import courses <file.csv>`: the catalogue import the office runs in GraphQL, for files above the HTTP body limit. */
export function importCoursesTask(args: string[]): DatabaseTask | string {
  if (args.length !== 1 || args[0].startsWith('-')) return IMPORT_COURSES_USAGE;
  return async (orm) => {
    const csv = await readFile(args[0], 'utf8');
    const summary = await importHomeCourseFile(orm.em.fork() as EntityManager, csv).catch((e: unknown) => {
      if (e instanceof DomainError && Array.isArray(e.details.problems)) {
        const lines = (e.details.problems as { line: number; field: string; code: string; message: string }[]).map(
          (p) => `  line ${p.line} (${p.field}): ${p.code} ${p.message}`,
        );
        throw new Error(`${e.reason}: ${args[0]} has ${e.details.problemCount} problem(s); nothing was imported\n${lines.join('\n')}`);
      }
      throw e;
    });
    await print(`${JSON.stringify(summary)}\n`);
  };
}
