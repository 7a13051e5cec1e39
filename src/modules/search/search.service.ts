import type { Config } from '../../config/config';
import type { RequestContext } from '../../platform/graphql/context';
import type { Logger } from '../../platform/logging/logger';
import { SearchErrors } from './search.errors';
import {
  OFFICE_ONLY_TYPES,
  SEARCH_TYPES,
  type SearchEngine,
  type SearchFilter,
  type SearchRequest,
  type SearchResult,
  type SearchType,
} from './search.types';

export const MAX_QUERY_LENGTH = 200;
/** How deep a search pages (Meilisearch's maxTotalHits; deeper pages mean the search should be narrower). */
export const MAX_SEARCH_OFFSET = 5000;
/** How many matches narrow a list (`query` on partners and content lists). */
export const MAX_LIST_MATCHES = 1000;

/** The engines one hub searches with: Meilisearch when configured and reachable, PostgreSQL always. */
export interface SearchEngines {
  primary: SearchEngine;
  fallback?: SearchEngine;
}

const enginesByConfig = new WeakMap<Config, SearchEngines>();

/** Called once at start by the search module. */
export function useSearchEngines(config: Config, engines: SearchEngines): void {
  enginesByConfig.set(config, engines);
}

export function searchEnginesOf(config: Config): SearchEngines {
  const engines = enginesByConfig.get(config);
  if (!engines) throw new Error('search engines are not started');
  return engines;
}

/** The types a viewer may search: all for the office, the public ones for everyone else (asking for others is refused). */
export function searchableTypes(ctx: RequestContext, asked: readonly SearchType[] | undefined): SearchType[] {
  const office = ctx.viewer.isOffice;
  if (asked?.length) {
    const closed = asked.find((t) => !office && OFFICE_ONLY_TYPES.includes(t));
    if (closed) throw SearchErrors.officeOnlyType(closed);
    return [...new Set(asked)];
  }
  return SEARCH_TYPES.filter((t) => office || !OFFICE_ONLY_TYPES.includes(t));
}

export function normaliseQuery(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  if (!q) throw SearchErrors.queryRequired();
  if (q.length > MAX_QUERY_LENGTH) throw SearchErrors.queryTooLong(MAX_QUERY_LENGTH);
  return q;
}

/**
 * Runs a search with the viewer's own visibility: non-office viewers match only public documents inside their
 * window, so a search never finds what the viewer could not read. When Meilisearch fails, PostgreSQL answers, and the
 * response says so (`extensions.search`) as does the log.
 */
export async function runSearch(
  ctx: RequestContext,
  input: { query: string; types: SearchType[]; filter?: SearchFilter; offset: number; limit: number; facets: boolean; idsOnly?: boolean },
): Promise<SearchResult> {
  const request: SearchRequest = {
    query: normaliseQuery(input.query),
    types: input.types,
    office: ctx.viewer.isOffice,
    now: new Date(),
    filter: input.filter ?? {},
    locale: ctx.locale,
    offset: input.offset,
    limit: input.limit,
    facets: input.facets,
    idsOnly: input.idsOnly,
  };
  const engines = searchEnginesOf(ctx.config);
  let result: SearchResult;
  try {
    result = await engines.primary.search(request);
  } catch (e) {
    if (!engines.fallback) throw e;
    warnFallback(ctx.log, engines.primary.name, e);
    result = await engines.fallback.search(request);
    ctx.extensions.search = { engine: result.engine, fallback: true, reason: `${engines.primary.name} unavailable` };
    return result;
  }
  ctx.extensions.search = { engine: result.engine, fallback: false };
  return result;
}

let lastWarning = 0;
/** Logs a fallback at most every ten seconds: an outage must not flood the log. */
function warnFallback(log: Logger, engine: string, error: unknown): void {
  if (Date.now() - lastWarning < 10_000) return;
  lastWarning = Date.now();
  log.warn({ err: error, engine }, `search: ${engine} is unavailable; answering from PostgreSQL`);
}

/** Ids of the records of these types matching `query` that the viewer may find, best first (for `query` on lists). */
export async function matchingIds(ctx: RequestContext, types: SearchType[], query: string): Promise<string[]> {
  const result = await runSearch(ctx, { query, types, offset: 0, limit: MAX_LIST_MATCHES, facets: false, idsOnly: true });
  return result.hits.map((h) => h.id);
}
