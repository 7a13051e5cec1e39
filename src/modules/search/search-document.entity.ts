import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The PostgreSQL engine's copy of every SearchDocument (search.types.ts), one row per searchable record. Written only
 * by PgSink (pg.sink.ts), read only by PgEngine (pg.engine.ts), both with raw SQL; the entity exists so that the
 * schema (and the migration-drift test) knows the table.
 *
 * Besides the document's own fields it holds what the engine matches and ranks on, all derived by the sink:
 * `title_folded` (the titles folded with foldText), `city_folded`, `keys` (keywords folded and without spaces: `tristanbu01`
 * typed as `TR ISTANBU01` or `tristanbu01` lands on the same key), `search_text` (the distinct words of the folded text and the keys: what every
 * query word must match, literally or by trigram word similarity) and `tsv`, generated from `search_text`.
 */
@Entity({ tableName: 'search_document' })
@Index({ properties: ['type', 'displayAt'] })
@Index({ properties: ['id'] })
@Index({
  name: 'search_document_search_text_trgm',
  expression: 'create index "search_document_search_text_trgm" on "search_document" using gin ("search_text" gin_trgm_ops) with (fastupdate = off)',
})
@Index({ name: 'search_document_keys_gin', expression: 'create index "search_document_keys_gin" on "search_document" using gin ("keys") with (fastupdate = off)' })
export class SearchDocumentEntity {
  /** `<type>-<uuid>`. */
  @PrimaryKey({ type: 'text' })
  uid!: string;

  @Property({ type: 'text' })
  type!: string;

  /** The record's id (an institution, agreement or content item). */
  @Property({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', nullable: true })
  titleTr?: string | null;

  @Property({ type: 'text', nullable: true })
  titleEn?: string | null;

  @Property({ type: 'text', nullable: true })
  textTr?: string | null;

  @Property({ type: 'text', nullable: true })
  textEn?: string | null;

  @Property({ type: 'text' })
  folded!: string;

  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  keywords: string[] = [];

  @Property({ type: 'text', nullable: true })
  country?: string | null;

  @Property({ type: 'text', nullable: true })
  city?: string | null;

  @Property({ type: 'text', nullable: true })
  category?: string | null;

  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  iscedBroadFields: string[] = [];

  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  languages: string[] = [];

  @Property({ type: 'boolean' })
  public!: boolean;

  /** Epoch seconds. */
  @Property({ type: new BigIntType('number'), default: 0 })
  publishAt: number = 0;

  /** Epoch seconds (NEVER: no end). */
  @Property({ type: new BigIntType('number') })
  unpublishAt!: number;

  /** Epoch seconds. */
  @Property({ type: new BigIntType('number'), default: 0 })
  displayAt: number = 0;

  // --- Derived by the sink, for the engine ---------------------------------------------------------------------------

  /** The distinct titles, folded, joined by ` | `. */
  @Property({ type: 'text', default: '' })
  titleFolded: string = '';

  /** The city, folded. */
  @Property({ type: 'text', default: '' })
  cityFolded: string = '';

  /** The keywords folded, without spaces (`tristanbu01`, `dberlin01`). */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  keys: string[] = [];

  /** The distinct words of `folded` and the keys: what query words must match. */
  @Property({ type: 'text', default: '' })
  searchText: string = '';

  /** Full-text vector of `search_text` (simple configuration: the text is folded already). */
  @Property({ columnType: 'tsvector', type: 'unknown', generated: `(to_tsvector('simple'::regconfig, search_text)) stored`, lazy: true, nullable: true })
  tsv?: unknown;
}
