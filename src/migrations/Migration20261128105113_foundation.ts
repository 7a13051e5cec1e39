import { Migration } from '@mikro-orm/migrations';

export class Migration20261128105113 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "institution" ("id" uuid not null, "name" jsonb not null, "abbreviation" text null, "country" char(2) not null, "city" text null, "website" text null, "schac_code" text null, "erasmus_code" text null, "is_home" boolean not null default false, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "institution_pkey" primary key ("id"));`);
    this.addSql(`alter table "institution" add constraint "institution_schac_code_unique" unique ("schac_code");`);
    this.addSql(`alter table "institution" add constraint "institution_erasmus_code_unique" unique ("erasmus_code");`);
    this.addSql(`create unique index "institution_single_home_uq" on "institution" ("is_home") where is_home;`);

    this.addSql(`create table "job" ("id" uuid not null, "name" text not null, "payload" jsonb not null default '{}', "state" text not null default 'pending', "run_at" timestamptz not null default now(), "attempts" int not null default 0, "max_attempts" int not null default 5, "singleton_key" text null, "last_error" text null, "locked_by" text null, "locked_until" timestamptz null, "created_at" timestamptz not null default now(), "finished_at" timestamptz null, constraint "job_pkey" primary key ("id"));`);
    this.addSql(`create unique index "job_singleton_pending_uq" on "job" ("singleton_key") where state = 'pending';`);
    this.addSql(`create index "job_claim_idx" on "job" ("state", "run_at");`);

    this.addSql(`create table "organisational_unit" ("id" uuid not null, "institution_id" uuid not null, "parent_id" uuid null, "kind" text check ("kind" in ('FACULTY', 'DEPARTMENT', 'INSTITUTE', 'GRADUATE_SCHOOL', 'SCHOOL', 'VOCATIONAL_SCHOOL', 'RESEARCH_CENTRE', 'OFFICE')) not null, "code" text not null, "name" jsonb not null, "email" text null, "website" text null, "internal_note" text null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "organisational_unit_pkey" primary key ("id"));`);
    this.addSql(`create index "organisational_unit_parent_id_index" on "organisational_unit" ("parent_id");`);
    this.addSql(`alter table "organisational_unit" add constraint "organisational_unit_institution_id_code_unique" unique ("institution_id", "code");`);

    this.addSql(`create table "outbox_consumer" ("name" text not null, "last_txid" xid8 not null default '0', "last_id" bigint not null default 0, "leased_by" text null, "leased_until" timestamptz null, constraint "outbox_consumer_pkey" primary key ("name"));`);

    this.addSql(`create table "outbox_event" ("id" bigserial primary key, "txid" xid8 not null default pg_current_xact_id(), "type" text not null, "aggregate_type" text not null, "aggregate_id" uuid not null, "aggregate_version" int null, "actor" text null, "scope_unit_ids" uuid[] not null default '{}', "payload" jsonb not null default '{}', "occurred_at" timestamptz not null default now());`);
    this.addSql(`create index "outbox_event_occurred_at_index" on "outbox_event" ("occurred_at");`);
    this.addSql(`create index "outbox_event_txid_id_index" on "outbox_event" ("txid", "id");`);

    this.addSql(`create table "user_account" ("id" uuid not null, "subject" text not null, "email" text not null, "display_name" text not null, "roles" text[] not null default '{}', "unit_ids" uuid[] not null default '{}', "created_at" timestamptz not null default now(), constraint "user_account_pkey" primary key ("id"));`);
    this.addSql(`alter table "user_account" add constraint "user_account_subject_unique" unique ("subject");`);
    this.addSql(`alter table "user_account" add constraint "user_account_email_unique" unique ("email");`);

    this.addSql(`alter table "organisational_unit" add constraint "organisational_unit_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "organisational_unit" add constraint "organisational_unit_parent_id_foreign" foreign key ("parent_id") references "organisational_unit" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "organisational_unit" drop constraint "organisational_unit_institution_id_foreign";`);

    this.addSql(`alter table "organisational_unit" drop constraint "organisational_unit_parent_id_foreign";`);

    this.addSql(`drop table if exists "institution" cascade;`);

    this.addSql(`drop table if exists "job" cascade;`);

    this.addSql(`drop table if exists "organisational_unit" cascade;`);

    this.addSql(`drop table if exists "outbox_consumer" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "user_account" cascade;`);
  }

}
