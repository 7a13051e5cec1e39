import { Migration } from '@mikro-orm/migrations';

export class Migration20261128133941 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "search_document" ("uid" text not null, "type" text not null, "id" uuid not null, "title_tr" text null, "title_en" text null, "text_tr" text null, "text_en" text null, "folded" text not null, "keywords" text[] not null default '{}', "country" text null, "city" text null, "category" text null, "isced_broad_fields" text[] not null default '{}', "languages" text[] not null default '{}', "public" boolean not null, "publish_at" bigint not null default 0, "unpublish_at" bigint not null, "display_at" bigint not null default 0, "title_folded" text not null default '', "city_folded" text not null default '', "keys" text[] not null default '{}', "search_text" text not null default '', "tsv" tsvector generated always as (to_tsvector('simple'::regconfig, search_text)) stored null, constraint "search_document_pkey" primary key ("uid"));`);
    this.addSql(`create index "search_document_keys_gin" on "search_document" using gin ("keys") with (fastupdate = off);`);
    this.addSql(`create index "search_document_search_text_trgm" on "search_document" using gin ("search_text" gin_trgm_ops) with (fastupdate = off);`);
    this.addSql(`create index "search_document_id_index" on "search_document" ("id");`);
    this.addSql(`create index "search_document_type_display_at_index" on "search_document" ("type", "display_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "search_document" cascade;`);
  }

}
