/**
 * The home course catalogue from CSV: one header row naming the columns (any order; `,` or `;` as Excel writes it in a
 * Turkish locale), then one course per line:
 *
 *   code,title_tr,title_en,ects,unit,language,semester,isced
 *   CENG 301,Veritabanı Yönetim Sistemleri,Database Management Systems,6,ENG-CENG,en,FALL,0612
 *
 * code, ects, unit and one of the titles are required; `unit` is a home organisational unit's code; semester is FALL,
 * SPRING or BOTH (GÜZ / BAHAR accepted); isced a 2-4 digit ISCED-F code. The file is the whole catalogue: it is checked
 * in full first and imported all or nothing, every bad line reported; courses are matched by code (updated in place,
 * so learning agreements that name them keep pointing at them), and courses the file no longer lists are deactivated,
 * never deleted.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { readCsvRecords } from '../../platform/csv/csv-records';
import { requireHomeInstitution } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { HomeCourse } from './course.entity';
import { LaErrors, type CatalogueProblem } from './learning-agreement.errors';

export const CATALOGUE_COLUMNS = ['code', 'title_tr', 'title_en', 'ects', 'unit', 'language', 'semester', 'isced'] as const;
type Column = (typeof CATALOGUE_COLUMNS)[number];

/** A university's whole catalogue fits (thousands of courses); HTTP_BODY_LIMIT may need raising for the largest. */
export const MAX_CATALOGUE_ROWS = 5000;
export const MAX_CATALOGUE_CHARS = 2_000_000;
/** Every problem is counted; the first ones are listed (a wrong column would otherwise list every line). */
export const MAX_PROBLEMS_LISTED = 200;

export interface CatalogueRow {
  line: number;
  code: string;
  title: { tr?: string; en?: string };
  ects: number;
  unitId: string;
  language: string | null;
  semester: string | null;
  iscedCode: string | null;
}

export interface CatalogueImportSummary {
  /** Courses in the file. */
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Listed again after a file had left them out. */
  reactivated: number;
  /** No longer listed: kept for the learning agreements that name them, but not offered any more. */
  deactivated: number;
}

const CODE = /^[A-Z0-9][A-Z0-9 ._/-]{0,29}$/;
const SEMESTERS: Record<string, string> = { FALL: 'FALL', SPRING: 'SPRING', BOTH: 'BOTH', GÜZ: 'FALL', GUZ: 'FALL', BAHAR: 'SPRING' };

/** Checks every line against the rules and the home units (by code, any case); pure. */
export function parseCatalogue(csv: string, unitIdsByCode: ReadonlyMap<string, string>): { rows: CatalogueRow[]; problems: CatalogueProblem[] } {
  if (csv.length > MAX_CATALOGUE_CHARS) throw LaErrors.catalogueTooLarge(`${csv.length} characters (at most ${MAX_CATALOGUE_CHARS})`);
  const read = readCsvRecords(csv);
  if ('malformed' in read) return { rows: [], problems: [read.malformed] };
  const records = read.records;
  if (records.length - 1 > MAX_CATALOGUE_ROWS) throw LaErrors.catalogueTooLarge(`${records.length - 1} courses (at most ${MAX_CATALOGUE_ROWS})`);
  const problems: CatalogueProblem[] = [];
  const [head, ...data] = records;
  if (!head) return { rows: [], problems: [{ line: 1, field: 'csv', code: 'EMPTY_CATALOGUE', message: 'The file has no header row and no courses' }] };
  const index = new Map<Column, number>();
  head.record.forEach((h, i) => {
    const name = h.trim().toLowerCase() as Column;
    if ((CATALOGUE_COLUMNS as readonly string[]).includes(name)) index.set(name, i);
  });
  for (const required of ['code', 'ects', 'unit'] as const) {
    if (!index.has(required)) problems.push({ line: 1, field: required, code: 'MISSING_COLUMN', message: `The header has no ${required} column` });
  }
  if (!index.has('title_tr') && !index.has('title_en')) problems.push({ line: 1, field: 'title_en', code: 'MISSING_COLUMN', message: 'The header has neither title_tr nor title_en' });
  if (problems.length) return { rows: [], problems };
  if (data.length === 0) return { rows: [], problems: [{ line: 1, field: 'csv', code: 'EMPTY_CATALOGUE', message: 'The file lists no courses (an empty file would deactivate the whole catalogue)' }] };

  const seen = new Map<string, number>();
  const rows: CatalogueRow[] = [];
  for (const { record, info } of data) {
    const line = info.lines;
    const value = (column: Column) => (index.has(column) ? (record[index.get(column)!] ?? '').trim() : '');
    const problem = (field: Column, code: string, message: string) => problems.push({ line, field, code, message });
    const before = problems.length;

    const code = value('code').replace(/\s+/g, ' ').toUpperCase();
    if (!code) problem('code', 'REQUIRED', 'The course code is missing');
    else if (!CODE.test(code)) problem('code', 'INVALID_CODE', `"${code}" is not a course code (letters, digits, space . _ / -, at most 30)`);
    else if (seen.has(code)) problem('code', 'DUPLICATE_CODE', `${code} is already on line ${seen.get(code)}`);
    else seen.set(code, line);

    const title = { tr: value('title_tr') || undefined, en: value('title_en') || undefined };
    if (!title.tr && !title.en) problem('title_en', 'REQUIRED', 'A course needs a Turkish or an English title');
    for (const locale of ['tr', 'en'] as const) {
      if ((title[locale]?.length ?? 0) > 300) problem(`title_${locale}`, 'TOO_LONG', 'A title has at most 300 characters');
    }

    const ectsText = value('ects').replace(',', '.');
    const ects = Number(ectsText);
    if (!ectsText) problem('ects', 'REQUIRED', 'The ECTS credits are missing');
    else if (!Number.isFinite(ects) || ects <= 0 || ects > 60 || !Number.isInteger(ects * 2)) {
      problem('ects', 'INVALID_ECTS', `"${value('ects')}" is not an ECTS value (more than 0, at most 60, in halves)`);
    }

    const unitCode = value('unit').toUpperCase();
    const unitId = unitIdsByCode.get(unitCode);
    if (!unitCode) problem('unit', 'REQUIRED', 'The unit (a home faculty or department code) is missing');
    else if (!unitId) problem('unit', 'UNKNOWN_UNIT', `${unitCode} is not a unit of the home institution`);

    const language = value('language').toLowerCase() || null;
    if (language && !/^[a-z]{2}$/.test(language)) problem('language', 'INVALID_LANGUAGE', `"${value('language')}" is not an ISO 639-1 code (tr, en, de ...)`);

    const semesterText = value('semester').toLocaleUpperCase('tr');
    const semester = semesterText ? (SEMESTERS[semesterText] ?? null) : null;
    if (semesterText && !semester) problem('semester', 'INVALID_SEMESTER', `"${value('semester')}" is not FALL, SPRING or BOTH`);

    const isced = value('isced') || null;
    if (isced && !/^\d{2,4}$/.test(isced)) problem('isced', 'INVALID_ISCED', `"${isced}" is not an ISCED-F code of 2 to 4 digits`);

    if (problems.length === before) rows.push({ line, code, title, ects, unitId: unitId!, language, semester, iscedCode: isced });
  }
  return { rows, problems };
}

/** The home institution's units by code (upper case). */
async function homeUnitsByCode(em: EntityManager): Promise<Map<string, string>> {
  const home = await requireHomeInstitution(em);
  const units = await em.find(OrganisationalUnit, { institution: home.id }, { fields: ['id', 'code'] });
  return new Map(units.map((u) => [u.code.toUpperCase(), u.id]));
}

/**
 * Checks the whole file, then writes it: run inside a transaction (`em` is the transaction's). Refuses with
 * INVALID_CATALOGUE, listing the problems, before anything is written.
 */
export async function importCatalogue(em: EntityManager, csv: string): Promise<CatalogueImportSummary> {
  const { rows, problems } = parseCatalogue(csv, await homeUnitsByCode(em));
  if (problems.length) throw LaErrors.invalidCatalogue(problems.slice(0, MAX_PROBLEMS_LISTED), problems.length);
  // Two imports at once would each deactivate the other's new courses: they take turns (reads go on meanwhile).
  await em.execute('lock table home_course in exclusive mode');
  const existing = await em.find(HomeCourse, {});
  const byCode = new Map(existing.map((c) => [c.code, c]));
  const summary: CatalogueImportSummary = { total: rows.length, created: 0, updated: 0, unchanged: 0, reactivated: 0, deactivated: 0 };
  const listed = new Set<string>();
  for (const row of rows) {
    listed.add(row.code);
    const title = Object.fromEntries(Object.entries(row.title).filter(([, v]) => v)) as HomeCourse['title'];
    const course = byCode.get(row.code);
    if (!course) {
      em.create(HomeCourse, { code: row.code, title, ects: row.ects, unit: row.unitId, language: row.language, semester: row.semester, iscedCode: row.iscedCode, active: true } as never);
      summary.created++;
      continue;
    }
    const same =
      // Compared per language: jsonb gives the keys back in its own order.
      course.title.tr === title.tr &&
      course.title.en === title.en &&
      Number(course.ects) === row.ects &&
      course.unit?.id === row.unitId &&
      (course.language ?? null) === row.language &&
      (course.semester ?? null) === row.semester &&
      (course.iscedCode ?? null) === row.iscedCode;
    if (!course.active) summary.reactivated++;
    else if (same) summary.unchanged++;
    else summary.updated++;
    if (same && course.active) continue;
    Object.assign(course, { title, ects: row.ects, language: row.language, semester: row.semester, iscedCode: row.iscedCode, active: true });
    course.unit = em.getReference(OrganisationalUnit, row.unitId) as never;
  }
  for (const course of existing) {
    if (course.active && !listed.has(course.code)) {
      course.active = false;
      summary.deactivated++;
    }
  }
  await em.flush();
  return summary;
}

/** A catalogue import in a transaction of its own: the demo seed (seeds/demo/home-courses.csv) and `import courses`. */
export async function importHomeCourseFile(em: EntityManager, csvText: string): Promise<CatalogueImportSummary> {
  return em.transactional((tx) => importCatalogue(tx as EntityManager, csvText));
}
