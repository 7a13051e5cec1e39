import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlArray } from '../../platform/db/sql-array';
import { foldText } from '../institutions/institution-identifiers';
import { highlightsOf, queryWords } from './pg.highlight';
import type { FacetCount, SearchEngine, SearchFacets, SearchHitRef, SearchRequest, SearchResult, SearchType } from './search.types';

/**
 * How the PostgreSQL engine ranks a match: each signal is between 0 and 1; the score is their weighted sum over the
 * sum of the weights (so between 0 and 1). Ties go to the newest (`display_at`).
 */
export const PG_RANKING = {
  /** The query, folded and without spaces, is one of the keywords (an Erasmus code typed with or without spaces, a PIC, a tag). */
  keyword: 4,
  /** The query is a whole title. */
  exactTitle: 3,
  /** A title starts with the query. */
  titlePrefix: 1,
  /** How much of the query occurs in a title (pg_trgm word_similarity: typos lower it a little). */
  titleWordSimilarity: 2,
  /** Trigram similarity of query and title: the closer a title is to what was typed, the higher (short titles win). */
  titleSimilarity: 1,
  /** The query is the city. */
  city: 1,
  /** Full-text rank of the words (prefixes) in the whole folded text (simple configuration), as rank/(rank+1). */
  fullText: 0.5,
  /** How much of the query occurs in the whole folded text. */
  textWordSimilarity: 1,
} as const;

const WEIGHT_SUM = Object.values(PG_RANKING).reduce((a, b) => a + b, 0);

interface Where {
  sql: string;
  params: unknown[];
}

/** The parts of the WHERE clause (without the `where`): words, types, visibility, filter. Pure: exported for tests. */
export function pgSearchWhere(request: SearchRequest, words: readonly string[], key: string): Where {
  const params: unknown[] = [];
  const parts: string[] = [];
  // Every word occurs literally or close enough (typos), as the directory search matches; or the query is a keyword.
  const wordSql = words.map(() => `(d.search_text like ? or ? <% d.search_text)`).join(' and ');
  parts.push(`((${wordSql}) or d.keys @> ?::text[])`);
  params.push(...words.flatMap((w) => [`%${w}%`, w]), sqlArray([key]));
  parts.push(`d.type = any(?::text[])`);
  params.push(sqlArray(request.types));
  if (!request.office) {
    const now = Math.floor(request.now.getTime() / 1000);
    parts.push(`d.public and d.publish_at <= ? and d.unpublish_at > ?`);
    params.push(now, now);
  }
  const f = request.filter;
  if (f.countries?.length) (parts.push(`d.country = any(?::text[])`), params.push(sqlArray(f.countries)));
  if (f.categories?.length) (parts.push(`d.category = any(?::text[])`), params.push(sqlArray(f.categories)));
  if (f.iscedBroadFields?.length) (parts.push(`d.isced_broad_fields && ?::text[]`), params.push(sqlArray(f.iscedBroadFields)));
  if (f.languages?.length) (parts.push(`d.languages && ?::text[]`), params.push(sqlArray(f.languages)));
  return { sql: parts.join(' and '), params };
}

/** The score expression (0..1) and its parameters. Pure: exported for tests. */
export function pgScore(phrase: string, words: readonly string[], key: string): Where {
  const w = PG_RANKING;
  const tsquery = words.map((x) => `${x}:*`).join(' | ');
  return {
    sql: `least(1, (
        ${w.keyword} * (d.keys @> ?::text[])::int
      + ${w.exactTitle} * (? = any(string_to_array(d.title_folded, ' | ')))::int
      + ${w.titlePrefix} * (d.title_folded like ? or d.title_folded like ?)::int
      + ${w.titleWordSimilarity} * word_similarity(?, d.title_folded)
      + ${w.titleSimilarity} * similarity(?, d.title_folded)
      + ${w.city} * (d.city_folded = ?)::int
      + ${w.fullText} * ts_rank(d.tsv, to_tsquery('simple', ?), 32)
      + ${w.textWordSimilarity} * word_similarity(?, d.search_text)
    ) / ${WEIGHT_SUM})`,
    params: [sqlArray([key]), phrase, `${phrase}%`, `% | ${phrase}%`, phrase, phrase, phrase, tsquery, phrase],
  };
}

const FACETS_SQL = (where: string) => `with m as (select d.type, d.country, d.category, d.isced_broad_fields, d.languages from search_document d where ${where})
  select 'types' as facet, type as value, count(*)::int as count from m group by type
  union all select 'countries', country, count(*)::int from m where country is not null group by country
  union all select 'categories', category, count(*)::int from m where category is not null group by category
  union all select 'iscedBroadFields', v, count(*)::int from m, unnest(isced_broad_fields) v group by v
  union all select 'languages', v, count(*)::int from m, unnest(languages) v group by v`;

interface HitRow {
  type: SearchType;
  id: string;
  score: number;
  total: string | number;
  title_tr?: string | null;
  title_en?: string | null;
  text_tr?: string | null;
  text_en?: string | null;
  keywords?: string[];
}

const emptyFacets = (): SearchFacets => ({ types: [], countries: [], categories: [], iscedBroadFields: [], languages: [] });

/**
 * The PostgreSQL engine: searches the `search_document` table that PgSink fills. Turkish-aware and typo-tolerant
 * (the query is folded with foldText like the stored text; every word must occur literally or by trigram word
 * similarity), ranked by keyword, title and full-text signals (PG_RANKING). At most three statements per search:
 * the hits with the total (`count(*) over ()`), the facets (one grouped statement, when asked for) and, only when the
 * page lies beyond the last hit and no facets were counted, a count.
 */
export class PgEngine implements SearchEngine {
  readonly name = 'postgres' as const;

  /** `em`: the ORM's root entity manager is fine (only `execute` is used). */
  constructor(private readonly em: EntityManager) {}

  async search(request: SearchRequest): Promise<SearchResult> {
    const words = queryWords(request.query);
    if (!words.length || !request.types.length || request.limit < 0) {
      return { hits: [], total: 0, facets: request.facets ? emptyFacets() : null, engine: this.name };
    }
    const phrase = foldText(request.query);
    const key = phrase.replace(/ /g, '');
    const where = pgSearchWhere(request, words, key);
    const score = pgScore(phrase, words, key);
    const fields = request.idsOnly ? '' : ', d.title_tr, d.title_en, d.text_tr, d.text_en, d.keywords';
    const hitsSql = `select d.type, d.id::text as id, ${score.sql} as score, count(*) over () as total${fields}
        from search_document d where ${where.sql}
       order by score desc, d.display_at desc, d.uid
       offset ? limit ?`;
    const [rows, facetRows] = await Promise.all([
      request.limit > 0 || !request.facets
        ? this.em.execute<HitRow[]>(hitsSql, [...score.params, ...where.params, request.offset, Math.max(request.limit, 1)])
        : Promise.resolve([] as HitRow[]),
      request.facets
        ? this.em.execute<{ facet: keyof SearchFacets; value: string; count: number }[]>(FACETS_SQL(where.sql), where.params)
        : Promise.resolve(undefined),
    ]);
    const facets = facetRows ? collectFacets(facetRows) : null;
    let total: number;
    if (rows.length) total = Number(rows[0].total);
    else if (facets) total = facets.types.reduce((sum, t) => sum + t.count, 0);
    else if (request.offset > 0) {
      const [row] = await this.em.execute<{ count: number }[]>(`select count(*)::int as count from search_document d where ${where.sql}`, where.params);
      total = row.count;
    } else total = 0;
    const hits: SearchHitRef[] = rows.slice(0, request.limit).map((r) => ({
      type: r.type,
      id: r.id,
      score: Math.round(Number(r.score) * 1e4) / 1e4,
      highlights: request.idsOnly ? [] : highlightsOf(r as Required<HitRow>, request.query, request.locale),
    }));
    return { hits, total, facets, engine: this.name };
  }
}

function collectFacets(rows: { facet: keyof SearchFacets; value: string; count: number }[]): SearchFacets {
  const facets = emptyFacets();
  for (const r of rows) facets[r.facet].push({ value: r.value, count: Number(r.count) });
  const order = (a: FacetCount, b: FacetCount) => b.count - a.count || a.value.localeCompare(b.value);
  for (const list of Object.values(facets)) list.sort(order);
  return facets;
}
