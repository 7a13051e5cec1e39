/**
 * The search module's shared shapes. Every searchable record becomes one SearchDocument (built from the database by
 * search.documents.ts); the outbox worker writes documents to each sink (the PostgreSQL `search_document` table and,
 * when configured, Meilisearch); an engine answers a SearchRequest from its own copy. Both engines see the same
 * documents, so they give the same API and comparable results.
 */

export const SEARCH_TYPES = ['INSTITUTION', 'AGREEMENT', 'ANNOUNCEMENT', 'EVENT', 'PAGE', 'DOCUMENT', 'PROMOTIONAL_MATERIAL'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** Types only the office (STAFF, ADMIN) may search. */
export const OFFICE_ONLY_TYPES: readonly SearchType[] = ['AGREEMENT'];

/** Far future, for documents without an end (epoch seconds of 3000-01-01). */
export const NEVER = 32_503_680_000;

export interface SearchDocument {
  /** `<type>-<uuid>`: the Meilisearch primary key and the table's key. */
  uid: string;
  type: SearchType;
  id: string;
  /** The name (institution) or title, per locale (institutions: the same name in both when there is one). */
  title_tr: string | null;
  title_en: string | null;
  /** More searchable text per locale: other names, abbreviation and city of an institution; summary and body of content. */
  text_tr: string | null;
  text_en: string | null;
  /** Title and text folded (lower case, no diacritics, Turkish-aware `foldText`): letters an engine would not fold still match. */
  folded: string;
  /** Identifiers and tags matched as they are: Erasmus codes (with and without spaces), SCHAC, PIC, OID, tags. */
  keywords: string[];
  country: string | null;
  city: string | null;
  /** Content category key. */
  category: string | null;
  /** Institutions: 2-digit ISCED-F broad fields of their agreements' cooperation conditions. */
  iscedBroadFields: string[];
  /** Content: locales it has a title in; institutions: languages of instruction in their cooperation conditions. */
  languages: string[];
  /** Who may find it without an office role: a partner institution (agreement in effect or expired), published content. */
  public: boolean;
  /** Epoch seconds from which it is public (0: always). */
  publishAt: number;
  /** Epoch seconds until which it is public (NEVER: no end). */
  unpublishAt: number;
  /** Epoch seconds for ordering equal matches (newest first). */
  displayAt: number;
}

export interface SearchFilter {
  countries?: string[];
  categories?: string[];
  iscedBroadFields?: string[];
  languages?: string[];
}

export interface SearchRequest {
  /** What the person typed, trimmed, 1–200 characters. */
  query: string;
  /** Non-empty, already limited to what the viewer may search. */
  types: SearchType[];
  /** false: only documents with public = true and publishAt <= now < unpublishAt. */
  office: boolean;
  now: Date;
  filter: SearchFilter;
  locale: 'tr' | 'en';
  offset: number;
  limit: number;
  /** Count facets (costs one more query on PostgreSQL). */
  facets: boolean;
  /** Hits only (no highlights), for narrowing a list by relevance. */
  idsOnly?: boolean;
}

export interface Highlight {
  /** `title`, `text` or `keywords`. */
  field: string;
  /** The matched passage as HTML: the text escaped, matches in `<mark>`. */
  snippet: string;
}

export interface SearchHitRef {
  type: SearchType;
  id: string;
  /** Relevance between 0 and 1 when the engine gives one. */
  score: number | null;
  highlights: Highlight[];
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchFacets {
  types: FacetCount[];
  countries: FacetCount[];
  categories: FacetCount[];
  iscedBroadFields: FacetCount[];
  languages: FacetCount[];
}

export type EngineName = 'meilisearch' | 'postgres';

export interface SearchResult {
  hits: SearchHitRef[];
  /** Matches in all (an estimate on Meilisearch beyond 1,000). */
  total: number;
  facets: SearchFacets | null;
  engine: EngineName;
}

export interface SearchEngine {
  readonly name: EngineName;
  search(request: SearchRequest): Promise<SearchResult>;
}

/** Where the outbox worker writes documents. */
export interface SearchSink {
  readonly name: string;
  /** Adds or replaces `upserts` and removes the documents with these uids; throws to be retried. */
  apply(upserts: SearchDocument[], removals: string[]): Promise<void>;
}
