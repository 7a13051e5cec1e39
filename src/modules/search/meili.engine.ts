/**
 * Search on Meilisearch: one index holds every type; what a viewer may find is a filter (types, and for everyone
 * outside the office the public window), the request's facets are `IN` filters, highlights come back as escaped
 * HTML with `<mark>`. Errors and timeouts are thrown: the search service answers from PostgreSQL instead.
 */
import { foldText } from '../institutions/institution-identifiers';
import type { Meilisearch, SearchParams } from 'meilisearch';
import { meiliClient, prepareIndex, type MeiliOptions } from './meili.index';
import type {
  FacetCount,
  Highlight,
  SearchEngine,
  SearchFacets,
  SearchHitRef,
  SearchRequest,
  SearchResult,
  SearchType,
} from './search.types';

/** Highlight tags no text contains (private-use characters), turned into `<mark>` after escaping. */
const PRE = '\uE000';
const POST = '\uE001';
/** Words of a text passage around the match. */
const CROP_WORDS = 24;

interface MeiliHit {
  type: SearchType;
  id: string;
  _rankingScore?: number;
  _formatted?: { title_tr?: string | null; title_en?: string | null; text_tr?: string | null; text_en?: string | null; keywords?: string[] };
}

export class MeiliEngine implements SearchEngine {
  readonly name = 'meilisearch' as const;
  readonly client: Meilisearch;

  constructor(readonly options: MeiliOptions) {
    this.client = meiliClient(options);
  }

  /** Creates the index when missing and applies its settings (idempotent; waits for the tasks). */
  prepare(): Promise<void> {
    return prepareIndex(this.client, this.options.index);
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const params: SearchParams = {
      filter: meiliFilter(request),
      offset: request.offset,
      limit: request.limit,
      attributesToRetrieve: ['type', 'id'],
      showRankingScore: true,
      // Every word must match (by typo, synonym or prefix too), as on the PostgreSQL engine.
      matchingStrategy: 'all',
    };
    if (request.facets) params.facets = ['type', 'country', 'category', 'iscedBroadFields', 'languages'];
    if (!request.idsOnly) {
      Object.assign(params, {
        attributesToHighlight: ['title_tr', 'title_en', 'text_tr', 'text_en', 'keywords'],
        attributesToCrop: [`text_tr:${CROP_WORDS}`, `text_en:${CROP_WORDS}`],
        cropMarker: '…',
        highlightPreTag: PRE,
        highlightPostTag: POST,
      } satisfies SearchParams);
    }
    const res = await this.client.index(this.options.index).search<MeiliHit>(meiliQuery(request.query), params);
    const hits: SearchHitRef[] = res.hits.map((hit) => ({
      type: hit.type,
      id: hit.id,
      score: typeof hit._rankingScore === 'number' ? hit._rankingScore : null,
      highlights: request.idsOnly ? [] : highlightsOf(hit, request.locale),
    }));
    const facets: SearchFacets | null =
      request.facets && res.facetDistribution
        ? {
            types: counts(res.facetDistribution.type),
            countries: counts(res.facetDistribution.country),
            categories: counts(res.facetDistribution.category),
            iscedBroadFields: counts(res.facetDistribution.iscedBroadFields),
            languages: counts(res.facetDistribution.languages),
          }
        : request.facets
          ? { types: [], countries: [], categories: [], iscedBroadFields: [], languages: [] }
          : null;
    return { hits, total: res.estimatedTotalHits ?? hits.length, facets, engine: 'meilisearch' };
  }
}

/**
 * The query with the letters Meilisearch does not fold (Ł, ø, ß, ...) folded as the documents' `folded` field is:
 * "Politechnika Łódzka" then finds what "lodzka" finds. Other letters, Turkish ones included, Meilisearch folds itself.
 */
export function meiliQuery(query: string): string {
  return query.replace(/[łŁđĐøØæÆœŒßþÞðÐħĦ]/g, (c) => foldText(c));
}

/** A value in a Meilisearch filter: a double-quoted string. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function inList(attribute: string, values: readonly string[]): string {
  return `${attribute} IN [${values.map(quote).join(', ')}]`;
}

/** The request's filter: the allowed types, the public window outside the office, and the facet choices. */
export function meiliFilter(request: Pick<SearchRequest, 'types' | 'office' | 'now' | 'filter'>): string[] {
  const filter = [inList('type', request.types)];
  if (!request.office) {
    const now = Math.floor(request.now.getTime() / 1000);
    filter.push(`public = true AND publishAt <= ${now} AND unpublishAt > ${now}`);
  }
  const { countries, categories, iscedBroadFields, languages } = request.filter;
  if (countries?.length) filter.push(inList('country', countries));
  if (categories?.length) filter.push(inList('category', categories));
  if (iscedBroadFields?.length) filter.push(inList('iscedBroadFields', iscedBroadFields));
  if (languages?.length) filter.push(inList('languages', languages));
  return filter;
}

function counts(distribution: Record<string, number> | undefined): FacetCount[] {
  return Object.entries(distribution ?? {})
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the text and turns the highlight tags into `<mark>`. */
export function snippetHtml(formatted: string): string {
  return formatted
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replaceAll(PRE, '<mark>')
    .replaceAll(POST, '</mark>');
}

const marked = (s: string | null | undefined): s is string => typeof s === 'string' && s.includes(PRE);

/** Title, text and keyword passages that matched, the viewer's locale first. */
function highlightsOf(hit: MeiliHit, locale: 'tr' | 'en'): Highlight[] {
  const f = hit._formatted;
  if (!f) return [];
  const other = locale === 'tr' ? 'en' : 'tr';
  const out: Highlight[] = [];
  const title = [f[`title_${locale}`], f[`title_${other}`]].find(marked);
  if (title) out.push({ field: 'title', snippet: snippetHtml(title) });
  const text = [f[`text_${locale}`], f[`text_${other}`]].find(marked);
  if (text) out.push({ field: 'text', snippet: snippetHtml(text) });
  const keywords = (f.keywords ?? []).filter(marked);
  if (keywords.length) out.push({ field: 'keywords', snippet: keywords.map(snippetHtml).join(', ') });
  return out;
}
