import { matchingIds } from '../search/search.service';
import { sqlArray } from '../../platform/db/sql-array';
import type { EntityManager } from '@mikro-orm/postgresql';
import { connectionOf } from '../../platform/db/pagination';
import { invalidInput } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { encodeCursor, fromGlobalId, pageRequest, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { institutionSearchSql } from '../institutions/institution.service';
import { AgreementKind, AgreementStatus, MobilityType } from './agreement.entity';
import { FACET_LIMIT, type PartnerFilter } from './partner.inputs';

/**
 * Partners are the institutions the university cooperates with: a party to an agreement in effect, or to one that
 * has expired (past partners; `hasActiveAgreement` tells them apart). Drafts and negotiations stay internal.
 */
export const PARTNER_STATUSES = [AgreementStatus.IN_EFFECT, AgreementStatus.EXPIRED];

type Sql = { sql: string; params: unknown[] };
type FacetDimension = 'countries' | 'agreementKinds' | 'iscedCodes';

/** The ids of partner institutions matching a filter, as one SQL statement (`omit` leaves one dimension out). */
function partnerIdsSql(filter: PartnerFilter | undefined, omit?: FacetDimension, matching?: string[]): Sql {
  const f = filter ?? {};
  const agreement: string[] = [`ap.institution_id = i.id`, `a.status = any(?::text[])`];
  const params: unknown[] = [];
  const agreementParams: unknown[] = [sqlArray(f.hasActiveAgreement ? [AgreementStatus.IN_EFFECT] : PARTNER_STATUSES)];
  if (f.agreementKinds?.length && omit !== 'agreementKinds') {
    agreement.push(`a.kind = any(?::text[])`);
    agreementParams.push(sqlArray(f.agreementKinds));
  }
  if (f.academicYear) {
    agreement.push(`a.first_academic_year <= ? and a.last_academic_year >= ?`);
    agreementParams.push(f.academicYear, f.academicYear);
  }
  const condition: string[] = [];
  const conditionParams: unknown[] = [];
  if (f.mobilityTypes?.length) {
    condition.push(`c.mobility_type = any(?::text[])`);
    conditionParams.push(sqlArray(f.mobilityTypes));
  }
  if (f.iscedCodes?.length && omit !== 'iscedCodes') {
    condition.push(`exists (select 1 from unnest(c.isced_codes) code where code like any(?::text[]))`);
    conditionParams.push(sqlArray(f.iscedCodes.map((c) => `${c}%`)));
  }
  if (f.eqfLevels?.length) {
    condition.push(`c.eqf_levels && ?::smallint[]`);
    conditionParams.push(`{${f.eqfLevels.join(',')}}`);
  }
  if (f.languages?.length) {
    condition.push(`c.language_codes && ?::text[]`);
    conditionParams.push(sqlArray(f.languages));
  }
  if (condition.length) {
    if (f.academicYear) {
      condition.push(`c.first_academic_year <= ? and c.last_academic_year >= ?`);
      conditionParams.push(f.academicYear, f.academicYear);
    }
    agreement.push(`exists (select 1 from cooperation_condition c where c.agreement_id = a.id
      and (c.sending_institution_id = i.id or c.receiving_institution_id = i.id) and ${condition.join(' and ')})`);
    agreementParams.push(...conditionParams);
  }
  const where = [`exists (select 1 from agreement_partner ap join agreement a on a.id = ap.agreement_id where ${agreement.join(' and ')})`];
  params.push(...agreementParams);
  if (f.hasActiveAgreement === false) {
    where.push(`not exists (select 1 from agreement_partner ap join agreement a on a.id = ap.agreement_id
      where ap.institution_id = i.id and a.status = 'IN_EFFECT')`);
  }
  if (f.countries?.length && omit !== 'countries') {
    where.push(`i.country = any(?::text[])`);
    params.push(sqlArray(f.countries));
  }
  if (f.city) {
    where.push(`i.city ilike ?`);
    params.push(f.city.replace(/[\\%_]/g, (c) => `\\${c}`));
  }
  const search = f.search ? institutionSearchSql('i.search_text', f.search) : undefined;
  if (search) {
    where.push(search.sql);
    params.push(...search.params);
  }
  if (matching) {
    where.push(`i.id = any(?::uuid[])`);
    params.push(sqlArray(matching));
  }
  return { sql: `select i.id, i.official_name from institution i where ${where.join(' and ')}`, params };
}

/**
 * The partner list, by name: paged by keyset in the same statement that applies the filter (no id lists passed
 * around), the page's institutions loaded in one more, and the count only when asked for.
 */
export async function listPartners(
  ctx: RequestContext,
  filter: PartnerFilter | undefined,
  args: ConnectionArgs,
  query?: string,
): Promise<ConnectionShape<Institution>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const { sql, params } = partnerIdsSql(filter, undefined, await partnersMatching(ctx, query));
  const after = page.after?.values;
  if (after && (after.length !== 2 || typeof after[0] !== 'string' || typeof after[1] !== 'string')) {
    throw invalidInput('after', 'after is not a cursor of this list', 'INVALID_CURSOR');
  }
  const rows =
    page.first === 0
      ? []
      : await ctx.em.execute<{ id: string; official_name: string }[]>(
          `${sql} ${after ? 'and (i.official_name, i.id) > (?, ?::uuid)' : ''} order by i.official_name, i.id limit ?`,
          [...params, ...(after ?? []), page.first + 1],
        );
  const pageRows = rows.slice(0, page.first);
  const loaded = pageRows.length ? await ctx.em.find(Institution, { id: { $in: pageRows.map((r) => r.id) } }) : [];
  const byId = new Map(loaded.map((i) => [i.id, i]));
  return connectionOf(
    pageRows.map((r) => byId.get(r.id)!),
    rows.length > page.first,
    after !== undefined,
    (i) => encodeCursor([i.officialName, i.id]),
    async () => (await ctx.em.execute<{ count: number }[]>(`select count(*)::int as count from (${sql}) p`, params))[0].count,
  );
}

/** With a search `query`: the institutions the search engine finds for it (the same engine as `search`). */
async function partnersMatching(ctx: RequestContext, query: string | undefined): Promise<string[] | undefined> {
  return query?.trim() ? matchingIds(ctx, ['INSTITUTION'], query) : undefined;
}

/** A partner by global ID; null when the institution is not (or no longer publicly) a partner. */
export async function getPartner(ctx: RequestContext, globalId: string): Promise<Institution | null> {
  const id = fromGlobalId(globalId, 'Institution');
  const [row] = await ctx.em.execute<{ id: string }[]>(
    `select i.id from institution i where i.id = ? and exists (
       select 1 from agreement_partner ap join agreement a on a.id = ap.agreement_id
        where ap.institution_id = i.id and a.status = any(?::text[]))`,
    [id, sqlArray(PARTNER_STATUSES)],
  );
  return row ? ctx.em.findOne(Institution, { id }) : null;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface PartnerFacetCounts {
  countries: FacetValue[];
  agreementKinds: FacetValue[];
  iscedBroadFields: FacetValue[];
  total: number;
}

/**
 * Facet counts for the partner list: each facet counts partners under the filter without that facet's own
 * criterion (so choosing Germany still shows how many partners each other country has). One grouped query each.
 */
export async function partnerFacets(
  ctx: RequestContext,
  filter: PartnerFilter | undefined,
  limit = 100,
  sort: 'count' | 'value' = 'count',
  query?: string,
): Promise<PartnerFacetCounts> {
  const em = ctx.em;
  const matching = await partnersMatching(ctx, query);
  const take = Math.min(limit, FACET_LIMIT);
  const order = sort === 'count' ? 'count desc, value' : 'value';
  const statuses = sqlArray(filter?.hasActiveAgreement ? [AgreementStatus.IN_EFFECT] : PARTNER_STATUSES);
  const run = (sql: string, params: unknown[]) => em.execute<FacetValue[]>(sql, params);

  const byCountry = partnerIdsSql(filter, 'countries', matching);
  const byKind = partnerIdsSql(filter, 'agreementKinds', matching);
  const byIsced = partnerIdsSql(filter, 'iscedCodes', matching);
  const all = partnerIdsSql(filter, undefined, matching);
  const [countries, agreementKinds, iscedBroadFields, [total]] = await Promise.all([
    run(`select i.country as value, count(*)::int as count from institution i where i.id in (select p.id from (${byCountry.sql}) p)
          group by 1 order by ${order} limit ?`, [...byCountry.params, take]),
    run(`select a.kind as value, count(distinct ap.institution_id)::int as count
           from agreement_partner ap join agreement a on a.id = ap.agreement_id
          where ap.institution_id in (select p.id from (${byKind.sql}) p) and a.status = any(?::text[])
          group by 1 order by ${order} limit ?`, [...byKind.params, statuses, take]),
    run(`select left(code, 2) as value, count(distinct ap.institution_id)::int as count
           from agreement_partner ap join agreement a on a.id = ap.agreement_id
           join cooperation_condition c on c.agreement_id = a.id
            and (c.sending_institution_id = ap.institution_id or c.receiving_institution_id = ap.institution_id)
           cross join unnest(c.isced_codes) code
          where ap.institution_id in (select p.id from (${byIsced.sql}) p) and a.status = any(?::text[])
          group by 1 order by ${order} limit ?`, [...byIsced.params, statuses, take]),
    em.execute<{ count: number }[]>(`select count(*)::int as count from (${all.sql}) p`, all.params),
  ]);
  return { countries, agreementKinds, iscedBroadFields, total: total.count };
}

export interface PartnerCooperationSummary {
  agreementKinds: AgreementKind[];
  mobilityTypes: MobilityType[];
  iscedCodes: string[];
  eqfLevels: number[];
  languages: string[];
  activeUntil: string | null;
  hasActiveAgreement: boolean;
}

/** What the website shows about the cooperation with each partner, for many partners in one statement. */
export async function cooperationSummaries(em: EntityManager, institutionIds: readonly string[]): Promise<Map<string, PartnerCooperationSummary>> {
  const rows = await em.execute<(Omit<PartnerCooperationSummary, 'activeUntil' | 'hasActiveAgreement'> & { id: string; active_until: string | null })[]>(
    `select ap.institution_id::text as id,
            array_remove(array_agg(distinct a.kind), null) as "agreementKinds",
            array_remove(array_agg(distinct c.mobility_type), null) as "mobilityTypes",
            array_remove(array_agg(distinct code), null) as "iscedCodes",
            array_remove(array_agg(distinct eqf), null) as "eqfLevels",
            array_remove(array_agg(distinct lang), null) as languages,
            max(a.last_academic_year) filter (where a.status = 'IN_EFFECT') as active_until
       from agreement_partner ap
       join agreement a on a.id = ap.agreement_id and a.status = any(?::text[])
       left join cooperation_condition c on c.agreement_id = a.id
        and (c.sending_institution_id = ap.institution_id or c.receiving_institution_id = ap.institution_id)
       left join lateral unnest(c.isced_codes) code on true
       left join lateral unnest(c.eqf_levels) eqf on true
       left join lateral unnest(c.language_codes) lang on true
      where ap.institution_id = any(?::uuid[])
      group by ap.institution_id`,
    [sqlArray(PARTNER_STATUSES), `{${institutionIds.join(',')}}`],
  );
  const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? v : typeof v === 'string' ? (v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) as unknown as T[]) : []);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        agreementKinds: arr<AgreementKind>(r.agreementKinds),
        mobilityTypes: arr<MobilityType>(r.mobilityTypes),
        iscedCodes: arr<string>(r.iscedCodes).sort(),
        eqfLevels: arr<number | string>(r.eqfLevels).map(Number).sort(),
        languages: arr<string>(r.languages).sort(),
        activeUntil: r.active_until,
        hasActiveAgreement: r.active_until !== null,
      },
    ]),
  );
}
