import { Migration } from '@mikro-orm/migrations';

export class Migration20261207175947 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "research_call" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme" text check ("programme" in ('HORIZON_EUROPE', 'ERC', 'MSCA', 'EIC', 'DIGITAL_EUROPE', 'LIFE', 'COST', 'EURATOM', 'OTHER')) not null, "title" jsonb not null, "description" jsonb not null default '{}', "topic_ids" text[] not null default '{}', "status" text check ("status" in ('DRAFT', 'PUBLISHED', 'CLOSED')) not null default 'DRAFT', "opens_at" timestamptz not null, "deadline" timestamptz not null, "second_stage_deadline" timestamptz null, "closes_at" timestamptz not null, "budget_total" numeric(12,2) null, "budget_per_project_min" numeric(12,2) null, "budget_per_project_max" numeric(12,2) null, "currency" char(3) not null default 'EUR', "links" text[] not null default '{}', "fields" text[] not null default '{}', "published_at" timestamptz null, "closed_at" timestamptz null, "content_id" uuid null, "created_by" text null, constraint "research_call_pkey" primary key ("id"));`);
    this.addSql(`alter table "research_call" add constraint "research_call_content_id_unique" unique ("content_id");`);
    this.addSql(`create index "research_call_fields_gin" on "research_call" using gin ("fields");`);
    this.addSql(`create index "research_call_status_closes_at_index" on "research_call" ("status", "closes_at");`);

    this.addSql(`create table "research_call_subscription" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "subject" text not null, "fields" text[] not null default '{}', "programmes" text[] not null default '{}', constraint "research_call_subscription_pkey" primary key ("id"));`);
    this.addSql(`alter table "research_call_subscription" add constraint "research_call_subscription_subject_unique" unique ("subject");`);

    this.addSql(`create table "research_support_request" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "researcher_subject" text not null, "researcher_name" text not null, "researcher_email" text null, "unit_id" uuid null, "call_id" uuid null, "external_call" text null, "proposal_title" text null, "partners_sought" text null, "partner_institution_ids" uuid[] not null default '{}', "role" text check ("role" in ('COORDINATOR', 'PARTNER', 'ASSOCIATED_PARTNER', 'SOLE_BENEFICIARY', 'HOST_INSTITUTION')) not null, "help_needed" text[] not null, "deadline" timestamptz not null, "description" text not null, "status" text check ("status" in ('SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'DECLINED', 'WITHDRAWN')) not null default 'SUBMITTED', "assigned_to" text null, "assigned_at" timestamptz null, "decline_reason" text null, "closed_at" timestamptz null, constraint "research_support_request_pkey" primary key ("id"));`);
    this.addSql(`create index "research_support_request_unit_id_index" on "research_support_request" ("unit_id");`);
    this.addSql(`create index "research_support_request_status_deadline_index" on "research_support_request" ("status", "deadline");`);
    this.addSql(`create index "research_support_request_researcher_subject_index" on "research_support_request" ("researcher_subject");`);

    this.addSql(`create table "research_support_note" ("id" uuid not null, "request_id" uuid not null, "internal" boolean not null, "author" text not null, "by_office" boolean not null, "body" text not null, "at" timestamptz not null default now(), constraint "research_support_note_pkey" primary key ("id"));`);
    this.addSql(`create index "research_support_note_request_id_at_index" on "research_support_note" ("request_id", "at");`);

    this.addSql(`create table "research_project" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "acronym" text not null, "title" text not null, "grant_agreement_number" text not null, "programme" text check ("programme" in ('HORIZON_EUROPE', 'ERC', 'MSCA', 'EIC', 'DIGITAL_EUROPE', 'LIFE', 'COST', 'EURATOM', 'OTHER')) not null, "call_id" uuid null, "topic_id" text null, "our_role" text check ("our_role" in ('COORDINATOR', 'PARTNER', 'ASSOCIATED_PARTNER', 'SOLE_BENEFICIARY', 'HOST_INSTITUTION')) not null, "partners" jsonb not null default '[]', "start_date" date not null, "end_date" date not null, "budget_total" numeric(12,2) null, "our_share" numeric(12,2) null, "currency" char(3) not null default 'EUR', "pi_subject" text not null, "pi_name" text not null, "support_request_id" uuid null, "public_listing" boolean not null default false, constraint "research_project_pkey" primary key ("id"));`);
    this.addSql(`alter table "research_project" add constraint "research_project_grant_agreement_number_unique" unique ("grant_agreement_number");`);
    this.addSql(`alter table "research_project" add constraint "research_project_support_request_id_unique" unique ("support_request_id");`);
    this.addSql(`create index "research_project_public_listing_start_date_index" on "research_project" ("public_listing", "start_date");`);
    this.addSql(`create index "research_project_pi_subject_index" on "research_project" ("pi_subject");`);

    this.addSql(`alter table "research_support_request" add constraint "research_support_request_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "research_support_request" add constraint "research_support_request_call_id_foreign" foreign key ("call_id") references "research_call" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "research_support_note" add constraint "research_support_note_request_id_foreign" foreign key ("request_id") references "research_support_request" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "research_project" add constraint "research_project_call_id_foreign" foreign key ("call_id") references "research_call" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "research_project" add constraint "research_project_support_request_id_foreign" foreign key ("support_request_id") references "research_support_request" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "research_support_request" drop constraint "research_support_request_call_id_foreign";`);

    this.addSql(`alter table "research_project" drop constraint "research_project_call_id_foreign";`);

    this.addSql(`alter table "research_support_note" drop constraint "research_support_note_request_id_foreign";`);

    this.addSql(`alter table "research_project" drop constraint "research_project_support_request_id_foreign";`);

    this.addSql(`drop table if exists "research_call" cascade;`);

    this.addSql(`drop table if exists "research_call_subscription" cascade;`);

    this.addSql(`drop table if exists "research_support_request" cascade;`);

    this.addSql(`drop table if exists "research_support_note" cascade;`);

    this.addSql(`drop table if exists "research_project" cascade;`);
  }

}
