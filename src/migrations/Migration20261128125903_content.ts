import { Migration } from '@mikro-orm/migrations';

export class Migration20261128125903 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "content_category" ("id" uuid not null, "key" text not null, "name" jsonb not null, "position" int not null default 0, constraint "content_category_pkey" primary key ("id"));`);
    this.addSql(`alter table "content_category" add constraint "content_category_key_unique" unique ("key");`);

    this.addSql(`create table "media_asset" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "storage_key" text not null, "filename" text not null, "content_type" text not null, "size_bytes" int not null, "width" int null, "height" int null, "sha256" text not null, "alt" jsonb not null default '{}', "published_at" timestamptz null, "uploaded_by" text null, constraint "media_asset_pkey" primary key ("id"));`);
    this.addSql(`alter table "media_asset" add constraint "media_asset_storage_key_unique" unique ("storage_key");`);
    this.addSql(`create index "media_asset_created_at_index" on "media_asset" ("created_at");`);

    this.addSql(`create table "content_item" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "type" text check ("type" in ('ANNOUNCEMENT', 'EVENT', 'PAGE', 'DOCUMENT', 'PROMOTIONAL_MATERIAL')) not null, "kind" text null, "status" text check ("status" in ('DRAFT', 'IN_REVIEW', 'PUBLISHED', 'ARCHIVED')) not null default 'DRAFT', "publish_at" timestamptz null, "unpublish_at" timestamptz null, "published_at" timestamptz null, "display_at" timestamptz not null default now(), "live_announced_for" timestamptz null, "title" jsonb not null, "summary" jsonb not null default '{}', "body" jsonb not null default '{}', "body_html" jsonb not null default '{}', "slug" jsonb not null default '{}', "category_id" uuid null, "tags" text[] not null default '{}', "cover_image_id" uuid null, "attachment_ids" uuid[] not null default '{}', "partner_ids" uuid[] not null default '{}', "programmes" text[] not null default '{}', "related_event_ids" uuid[] not null default '{}', "mobility_call_id" uuid null, "starts_at" timestamptz null, "ends_at" timestamptz null, "time_zone" text null, "venue" jsonb null, "online_url" text null, "organiser_kind" text check ("organiser_kind" in ('OFFICE', 'UNIT', 'PARTNER', 'EXTERNAL')) null, "organiser_unit_id" uuid null, "organiser_institution_id" uuid null, "organiser_name" text null, "capacity" int null, "registration_opens_at" timestamptz null, "registration_closes_at" timestamptz null, "registration_questions" jsonb not null default '[]', "parent_id" uuid null, "position" int not null default 0, "audiences" text[] not null default '{}', "material_language" char(2) null, "file_id" uuid null, "video_url" text null, "created_by" text null, "updated_by" text null, constraint "content_item_pkey" primary key ("id"));`);
    this.addSql(`create index "content_item_type_index" on "content_item" ("type");`);
    this.addSql(`create index "content_item_tags_index" on "content_item" using gin ("tags");`);
    this.addSql(`create index "content_item_type_display_at_index" on "content_item" ("type", "display_at");`);
    this.addSql(`create index "content_item_parent_id_index" on "content_item" ("parent_id");`);
    this.addSql(`create index "content_item_type_starts_at_index" on "content_item" ("type", "starts_at");`);
    this.addSql(`create index "content_item_type_status_publish_at_index" on "content_item" ("type", "status", "publish_at");`);

    this.addSql(`create table "event_registration" ("id" uuid not null, "event_id" uuid not null, "name" text not null, "email" text not null, "email_normalised" text not null, "affiliation" text null, "answers" jsonb not null default '{}', "consent_at" timestamptz not null, "status" text check ("status" in ('REGISTERED', 'WAITLISTED', 'CANCELLED')) not null, "cancel_token_hash" text not null, "locale" char(2) not null default 'tr', "registered_at" timestamptz not null default now(), "promoted_at" timestamptz null, "cancelled_at" timestamptz null, constraint "event_registration_pkey" primary key ("id"));`);
    this.addSql(`alter table "event_registration" add constraint "event_registration_cancel_token_hash_unique" unique ("cancel_token_hash");`);
    this.addSql(`create unique index "event_registration_active_email_unique" on "event_registration" ("event_id", "email_normalised") where "status" <> 'CANCELLED';`);
    this.addSql(`create index "event_registration_event_id_status_registered_at_index" on "event_registration" ("event_id", "status", "registered_at");`);

    this.addSql(`create table "document_version" ("id" uuid not null, "document_id" uuid not null, "number" int not null, "file_id" uuid not null, "note" text null, "effective_from" date null, "created_by" text null, "created_at" timestamptz not null default now(), constraint "document_version_pkey" primary key ("id"));`);
    this.addSql(`alter table "document_version" add constraint "document_version_document_id_number_unique" unique ("document_id", "number");`);

    this.addSql(`create table "content_slug" ("id" uuid not null, "content_id" uuid not null, "type" text check ("type" in ('ANNOUNCEMENT', 'EVENT', 'PAGE', 'DOCUMENT', 'PROMOTIONAL_MATERIAL')) not null, "locale" char(2) not null, "path" text not null, constraint "content_slug_pkey" primary key ("id"));`);
    this.addSql(`create index "content_slug_content_id_index" on "content_slug" ("content_id");`);
    this.addSql(`alter table "content_slug" add constraint "content_slug_type_locale_path_unique" unique ("type", "locale", "path");`);

    this.addSql(`create table "content_revision" ("id" uuid not null, "content_id" uuid not null, "number" int not null, "version" int not null, "status" text check ("status" in ('DRAFT', 'IN_REVIEW', 'PUBLISHED', 'ARCHIVED')) not null, "author" text null, "at" timestamptz not null default now(), "note" text null, "snapshot" jsonb not null, constraint "content_revision_pkey" primary key ("id"));`);
    this.addSql(`alter table "content_revision" add constraint "content_revision_content_id_number_unique" unique ("content_id", "number");`);

    this.addSql(`create table "participation_request" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "content_id" uuid not null, "requester_subject" text not null, "requester_name" text not null, "requester_email" text null, "role" text check ("role" in ('ACADEMIC_STAFF', 'ADMINISTRATIVE_STAFF', 'STUDENT')) not null, "purpose" text not null, "funding_requested" numeric(12,2) null, "funding_currency" char(3) null, "status" text check ("status" in ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')) not null default 'PENDING', "decided_by" text null, "decided_at" timestamptz null, "decision_note" text null, constraint "participation_request_pkey" primary key ("id"));`);
    this.addSql(`create unique index "participation_request_open_unique" on "participation_request" ("content_id", "requester_subject") where "status" in ('PENDING', 'APPROVED');`);
    this.addSql(`create index "participation_request_requester_subject_index" on "participation_request" ("requester_subject");`);
    this.addSql(`create index "participation_request_content_id_status_index" on "participation_request" ("content_id", "status");`);

    this.addSql(`alter table "content_item" add constraint "content_item_category_id_foreign" foreign key ("category_id") references "content_category" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "content_item" add constraint "content_item_cover_image_id_foreign" foreign key ("cover_image_id") references "media_asset" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "content_item" add constraint "content_item_organiser_unit_id_foreign" foreign key ("organiser_unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "content_item" add constraint "content_item_organiser_institution_id_foreign" foreign key ("organiser_institution_id") references "institution" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "content_item" add constraint "content_item_parent_id_foreign" foreign key ("parent_id") references "content_item" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "content_item" add constraint "content_item_file_id_foreign" foreign key ("file_id") references "media_asset" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "event_registration" add constraint "event_registration_event_id_foreign" foreign key ("event_id") references "content_item" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "document_version" add constraint "document_version_document_id_foreign" foreign key ("document_id") references "content_item" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_version" add constraint "document_version_file_id_foreign" foreign key ("file_id") references "media_asset" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "content_slug" add constraint "content_slug_content_id_foreign" foreign key ("content_id") references "content_item" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "content_revision" add constraint "content_revision_content_id_foreign" foreign key ("content_id") references "content_item" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "participation_request" add constraint "participation_request_content_id_foreign" foreign key ("content_id") references "content_item" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "content_item" drop constraint "content_item_category_id_foreign";`);

    this.addSql(`alter table "content_item" drop constraint "content_item_cover_image_id_foreign";`);

    this.addSql(`alter table "content_item" drop constraint "content_item_file_id_foreign";`);

    this.addSql(`alter table "document_version" drop constraint "document_version_file_id_foreign";`);

    this.addSql(`alter table "content_item" drop constraint "content_item_parent_id_foreign";`);

    this.addSql(`alter table "event_registration" drop constraint "event_registration_event_id_foreign";`);

    this.addSql(`alter table "document_version" drop constraint "document_version_document_id_foreign";`);

    this.addSql(`alter table "content_slug" drop constraint "content_slug_content_id_foreign";`);

    this.addSql(`alter table "content_revision" drop constraint "content_revision_content_id_foreign";`);

    this.addSql(`alter table "participation_request" drop constraint "participation_request_content_id_foreign";`);

    this.addSql(`drop table if exists "content_category" cascade;`);

    this.addSql(`drop table if exists "media_asset" cascade;`);

    this.addSql(`drop table if exists "content_item" cascade;`);

    this.addSql(`drop table if exists "event_registration" cascade;`);

    this.addSql(`drop table if exists "document_version" cascade;`);

    this.addSql(`drop table if exists "content_slug" cascade;`);

    this.addSql(`drop table if exists "content_revision" cascade;`);

    this.addSql(`drop table if exists "participation_request" cascade;`);
  }

}
