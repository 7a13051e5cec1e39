/**
 * The directory and the agreements as CSV for the office's spreadsheets: UTF-8, comma-separated, a header row,
 * quoted where needed (csv-stringify). IDs are the API's global IDs (usable with `node(id)` and `export iia`).
 * The directory's header names are the ones the CSV directory import understands, so a file can go back in.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify/sync';
import { toGlobalId } from '../../platform/graphql/relay';

export const INSTITUTION_CSV_COLUMNS = [
  'id',
  'officialName',
  'nameEn',
  'country',
  'city',
  'website',
  'erasmusCode',
  'schacCode',
  'pic',
  'oid',
  'echeStart',
  'echeEnd',
] as const;

export const AGREEMENT_CSV_COLUMNS = [
  'id',
  'reference',
  'kind',
  'status',
  'title',
  'partners',
  'firstAcademicYear',
  'lastAcademicYear',
  'homeUnitCode',
  'conditions',
  'mobilitiesPerYear',
] as const;

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark (Excel needs it to read Turkish letters right). */
  bom?: boolean;
}

const PAGE = 1000;

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) is prefixed with an apostrophe:
 * names and titles come from partners and imports, and the office opens these files in Excel.
 */
/** Text a spreadsheet would run as a formula gets an apostrophe (every CSV export uses it). */
export const neutraliseFormula = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
export const spreadsheetSafe = { string: neutraliseFormula };

/** Every institution of the directory, by official name. */
export async function institutionsCsv(em: EntityManager, options: CsvOptions = {}): Promise<string> {
  const rows: Record<string, unknown>[] = [];
  let after: { name: string; id: string } | undefined;
  // Keyset pages: the directory holds thousands of institutions.
  for (;;) {
    const page = await em.execute<Record<string, string | null>[]>(
      `select id::text as id, official_name, name->>'en' as name_en, country, city, website, erasmus_code, schac_code, pic, oid,
              eche_start::text as eche_start, eche_end::text as eche_end
         from institution
        ${after ? 'where (official_name, id) > (?, ?::uuid)' : ''}
        order by official_name, id
        limit ${PAGE}`,
      after ? [after.name, after.id] : [],
    );
    for (const r of page) {
      rows.push({
        id: toGlobalId('Institution', r.id!),
        officialName: r.official_name,
        nameEn: r.name_en,
        country: r.country,
        city: r.city,
        website: r.website,
        erasmusCode: r.erasmus_code,
        schacCode: r.schac_code,
        pic: r.pic,
        oid: r.oid,
        echeStart: r.eche_start,
        echeEnd: r.eche_end,
      });
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1];
    after = { name: last.official_name!, id: last.id! };
  }
  return stringify(rows, { header: true, columns: [...INSTITUTION_CSV_COLUMNS], bom: options.bom ?? false, cast: spreadsheetSafe });
}

/** Every agreement, oldest first, with its partners, home unit and the size of its conditions. */
export async function agreementsCsv(em: EntityManager, options: CsvOptions = {}): Promise<string> {
  const rows = await em.execute<Record<string, string | number | null>[]>(
    `select a.id::text as id, a.reference, a.kind, a.status, a.title,
            (select string_agg(i.official_name || case when i.schac_code is null or i.schac_code = i.official_name then '' else ' (' || i.schac_code || ')' end, '; ' order by i.official_name)
               from agreement_partner p join institution i on i.id = p.institution_id
              where p.agreement_id = a.id) as partners,
            a.first_academic_year, a.last_academic_year, u.code as home_unit_code,
            (select count(*) from cooperation_condition c where c.agreement_id = a.id)::int as conditions,
            (select coalesce(sum(c.mobilities_per_year), 0) from cooperation_condition c where c.agreement_id = a.id)::int as mobilities
       from agreement a
       left join organisational_unit u on u.id = a.home_unit_id
      order by a.created_at, a.id`,
  );
  return stringify(
    rows.map((r) => ({
      id: toGlobalId('Agreement', String(r.id)),
      reference: r.reference,
      kind: r.kind,
      status: r.status,
      title: r.title,
      partners: r.partners,
      firstAcademicYear: r.first_academic_year,
      lastAcademicYear: r.last_academic_year,
      homeUnitCode: r.home_unit_code,
      conditions: r.conditions,
      mobilitiesPerYear: r.mobilities,
    })),
    { header: true, columns: [...AGREEMENT_CSV_COLUMNS], bom: options.bom ?? false, cast: spreadsheetSafe },
  );
}
