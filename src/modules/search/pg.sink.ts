import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlArray } from '../../platform/db/sql-array';
import { foldText } from '../institutions/institution-identifiers';
import type { SearchDocument, SearchSink } from './search.types';

/** Documents per INSERT statement (the whole batch travels as one jsonb parameter). */
export const PG_SINK_BATCH = 500;

/** A search_document row: the document's fields plus what the PostgreSQL engine matches and ranks on. */
export interface SearchDocumentRow {
  uid: string;
  type: string;
  id: string;
  title_tr: string | null;
  title_en: string | null;
  text_tr: string | null;
  text_en: string | null;
  folded: string;
  keywords: string[];
  country: string | null;
  city: string | null;
  category: string | null;
  isced_broad_fields: string[];
  languages: string[];
  public: boolean;
  publish_at: number;
  unpublish_at: number;
  display_at: number;
  title_folded: string;
  city_folded: string;
  keys: string[];
  search_text: string;
}

/** A keyword as a query for it is compared: folded, without spaces (`TR ISTANBU01`, `tristanbu01` → `tristanbu01`). */
export function keywordKey(keyword: string): string {
  return foldText(keyword).replace(/ /g, '');
}

const clean = <T extends string | null>(s: T): T => (s === null ? s : (s.replace(/\u0000/g, '') as T));

/** The row PgSink writes for a document (pure: exported for tests). */
export function searchDocumentRow(d: SearchDocument): SearchDocumentRow {
  const titles = [...new Set([d.title_tr, d.title_en].filter((t): t is string => !!t).map(foldText).filter(Boolean))];
  const keys = [...new Set(d.keywords.map(keywordKey).filter(Boolean))];
  const folded = clean(d.folded);
  return {
    uid: d.uid,
    type: d.type,
    id: d.id,
    title_tr: clean(d.title_tr),
    title_en: clean(d.title_en),
    text_tr: clean(d.text_tr),
    text_en: clean(d.text_en),
    folded,
    keywords: d.keywords.map(clean),
    country: d.country,
    city: clean(d.city),
    category: d.category,
    isced_broad_fields: d.iscedBroadFields,
    languages: d.languages,
    public: d.public,
    publish_at: Math.floor(d.publishAt),
    unpublish_at: Math.floor(d.unpublishAt),
    display_at: Math.floor(d.displayAt),
    title_folded: titles.join(' | '),
    city_folded: d.city ? foldText(d.city) : '',
    keys,
    // Each word once: the trigram checks cost in proportion to the text's length (institutions repeat their names).
    search_text: [...new Set([...folded.split(' '), ...keys].filter(Boolean))].join(' '),
  };
}

const COLUMNS: [keyof SearchDocumentRow, string][] = [
  ['uid', 'text'],
  ['type', 'text'],
  ['id', 'uuid'],
  ['title_tr', 'text'],
  ['title_en', 'text'],
  ['text_tr', 'text'],
  ['text_en', 'text'],
  ['folded', 'text'],
  ['keywords', 'text[]'],
  ['country', 'text'],
  ['city', 'text'],
  ['category', 'text'],
  ['isced_broad_fields', 'text[]'],
  ['languages', 'text[]'],
  ['public', 'boolean'],
  ['publish_at', 'bigint'],
  ['unpublish_at', 'bigint'],
  ['display_at', 'bigint'],
  ['title_folded', 'text'],
  ['city_folded', 'text'],
  ['keys', 'text[]'],
  ['search_text', 'text'],
];

const quote = (c: string) => `"${c}"`;
const UPSERT_SQL = `insert into search_document (${COLUMNS.map(([c]) => quote(c)).join(', ')})
  select ${COLUMNS.map(([c]) => `r.${quote(c)}`).join(', ')}
    from jsonb_to_recordset(?::jsonb) as r(${COLUMNS.map(([c, t]) => `${quote(c)} ${t}`).join(', ')})
  on conflict (uid) do update set ${COLUMNS.filter(([c]) => c !== 'uid')
    .map(([c]) => `${quote(c)} = excluded.${quote(c)}`)
    .join(', ')}`;

/** One INSERT ... ON CONFLICT statement for a batch of documents (no two with the same uid). */
async function writeBatch(em: EntityManager, docs: SearchDocument[]): Promise<void> {
  await em.execute(UPSERT_SQL, [JSON.stringify(docs.map(searchDocumentRow))]);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Writes documents to the `search_document` table, the PostgreSQL engine's index. `em` may be the ORM's root entity
 * manager (only `execute` is used) or a transaction's.
 */
export class PgSink implements SearchSink {
  readonly name = 'postgres';

  constructor(
    private readonly em: EntityManager,
    private readonly batchSize = PG_SINK_BATCH,
  ) {}

  /**
   * Upserts in batches (one statement each) and deletes by uid (one statement). A uid both upserted and removed is
   * removed, as Meilisearch would after processing both tasks in order. More than one statement runs in one
   * transaction, so a failed call leaves nothing half done and can simply be retried.
   */
  async apply(upserts: SearchDocument[], removals: string[]): Promise<void> {
    const removed = new Set(removals);
    // The last version of a document wins; ON CONFLICT cannot touch one row twice in a statement.
    const latest = new Map<string, SearchDocument>();
    for (const d of upserts) if (!removed.has(d.uid)) latest.set(d.uid, d);
    const batches = chunks([...latest.values()], this.batchSize);
    const statements = batches.length + (removed.size ? 1 : 0);
    if (!statements) return;
    const run = async (em: EntityManager) => {
      for (const batch of batches) await writeBatch(em, batch);
      if (removed.size) await em.execute(`delete from search_document where uid = any(?::text[])`, [sqlArray([...removed])]);
    };
    if (statements === 1) await run(this.em);
    else await this.em.transactional((tx) => run(tx as EntityManager));
  }

  /**
   * Replaces the whole table with these documents (the reindex command). The batches are read first, outside any
   * transaction (on PGlite a second connection's query inside an open transaction would deadlock, and a long
   * transaction blocks everyone); then one short transaction truncates the table and writes them all. TRUNCATE's
   * lock makes concurrent searches wait the few seconds until it commits and then read the new rows: no reader ever
   * sees an empty or half-filled table. Returns the number of documents written.
   */
  async rebuild(em: EntityManager, batches: AsyncIterable<SearchDocument[]>): Promise<number> {
    const all = new Map<string, SearchDocument>();
    for await (const batch of batches) for (const d of batch) all.set(d.uid, d);
    const docs = [...all.values()];
    await em.transactional(async (tx) => {
      await tx.execute('truncate search_document');
      for (const batch of chunks(docs, this.batchSize)) await writeBatch(tx as EntityManager, batch);
      // Fresh statistics, or the planner may prefer a scan to the trigram index on the refilled table.
      await tx.execute('analyze search_document');
    });
    return docs.length;
  }
}
