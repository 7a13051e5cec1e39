import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { connectionOf } from '../../platform/db/pagination';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { encodeCursor, fromGlobalId, pageRequest, type ConnectionShape } from '../../platform/graphql/relay';
import { invalidInput } from '../../platform/errors/domain-error';
import { descendantUnitIds } from '../agreements/agreement.service';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { HomeCourse } from './course.entity';
import { importCatalogue, type CatalogueImportSummary } from './course-import';
import type { HomeCourseListArgs } from './learning-agreement.inputs';

export const HOME_COURSE_TYPE = 'HomeCourse';

export const courseById = defineLoader('homeCourseById', (ctx) =>
  new DataLoader<string, HomeCourse | null>(async (ids) => {
    const rows = await ctx.em.find(HomeCourse, { id: { $in: [...ids] } });
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }),
);

/** The catalogue is public (the website shows it to incoming and outgoing students alike). */
export function getHomeCourse(ctx: RequestContext, id: string): Promise<HomeCourse | null> {
  return ctx.loader(courseById).load(id);
}

// Turkish letters and circumflexes folded in SQL the same way as in TypeScript below, so that "ogrenim" finds "Öğrenim"
// and "ISTATISTIK" finds "İstatistik" whatever the database's collation (PGlite's C locale lower-cases ASCII only).
const FOLD_FROM = 'ÇĞİIÖŞÜÂÎÛçğıöşüâîû';
const FOLD_TO = 'cgiiosuaiucgiosuaiu';
const foldSql = (expression: string) => `lower(translate(${expression}, '${FOLD_FROM}', '${FOLD_TO}'))`;
function foldQuery(text: string): string {
  return [...text].map((ch) => (FOLD_FROM.includes(ch) ? FOLD_TO[FOLD_FROM.indexOf(ch)] : ch)).join('').toLowerCase();
}
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Courses by code, optionally searched (code or either title) and limited to a unit and the units below it. */
export async function listHomeCourses(ctx: RequestContext, args: HomeCourseListArgs): Promise<ConnectionShape<HomeCourse>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const units = args.unitId ? await descendantUnitIds(ctx.em, [fromGlobalId(args.unitId, UNIT_TYPE, 'unitId')]) : undefined;
  const filtered = () => {
    const qb = (ctx.em as EntityManager).createQueryBuilder(HomeCourse, 'c');
    if (!args.includeInactive) qb.andWhere({ active: true });
    if (units) qb.andWhere({ unit: { $in: units } });
    const search = args.search?.trim();
    if (search) {
      qb.andWhere(`${foldSql(`c.code || ' ' || coalesce(c.title->>'tr', '') || ' ' || coalesce(c.title->>'en', '')`)} like ?`, [
        `%${likeEscape(foldQuery(search))}%`,
      ]);
    }
    return qb;
  };
  const qb = filtered();
  if (page.after) {
    const [code, id] = page.after.values;
    if (typeof code !== 'string' || typeof id !== 'string') throw invalidInput('after', 'after is not a cursor of homeCourses', 'INVALID_CURSOR');
    qb.andWhere('(c.code, c.id) > (?, ?::uuid)', [code, id]);
  }
  const rows = page.first === 0 ? [] : await qb.orderBy({ code: 'asc', id: 'asc' }).limit(page.first + 1).getResultList();
  return connectionOf(
    rows.slice(0, page.first),
    rows.length > page.first,
    page.after !== undefined,
    (c) => encodeCursor([c.code, c.id]),
    () => filtered().getCount(),
  );
}

/** The office replaces the catalogue from CSV (see course-import.ts for the format and rules). */
export async function importHomeCourses(ctx: RequestContext, csv: string): Promise<CatalogueImportSummary> {
  assertOffice(ctx, 'The course catalogue is the office’s');
  return ctx.transaction((tx) => importCatalogue(tx.em, csv));
}
