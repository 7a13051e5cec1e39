import { Migration } from '@mikro-orm/migrations';

export class Migration20261207180229 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "na_call" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "action" text check ("action" in ('KA121', 'KA122', 'KA131', 'KA171', 'KA210', 'KA220')) not null, "title" text not null, "year" int not null, "deadline" timestamptz not null, "documents" jsonb not null default '[]', "link" text null, "notes" text null, constraint "na_call_pkey" primary key ("id"));`);
    this.addSql(`create index "na_call_deadline_index" on "na_call" ("deadline");`);

    this.addSql(`create table "project_proposal" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "na_call_id" uuid not null, "status" text check ("status" in ('DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED')) not null default 'DRAFT', "submitted_at" timestamptz null, "decision_date" date null, "decision_note" text null, "notes" text null, "reminded_thresholds" text[] not null default '{}', constraint "project_proposal_pkey" primary key ("id"));`);
    this.addSql(`alter table "project_proposal" add constraint "project_proposal_na_call_id_unique" unique ("na_call_id");`);

    this.addSql(`create table "project_grant_contract" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "number" text not null, "proposal_id" uuid null, "na_call_id" uuid null, "action" text check ("action" in ('KA121', 'KA122', 'KA131', 'KA171', 'KA210', 'KA220')) not null, "period_start" date not null, "period_end" date not null, "signed_on" date null, "status" text check ("status" in ('ACTIVE', 'CLOSED')) not null default 'ACTIVE', "near_limit_percent" smallint not null default 90, "notes" text null, constraint "project_grant_contract_pkey" primary key ("id"));`);
    this.addSql(`alter table "project_grant_contract" add constraint "project_grant_contract_number_unique" unique ("number");`);

    this.addSql(`create table "project_contract_report" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "contract_id" uuid not null, "kind" text check ("kind" in ('INTERIM', 'FINAL')) not null, "due_on" date not null, "status" text check ("status" in ('NOT_STARTED', 'IN_PREPARATION', 'SUBMITTED', 'ACCEPTED')) not null default 'NOT_STARTED', "narrative" text null, "submitted_at" timestamptz null, "accepted_at" timestamptz null, "agency_note" text null, "snapshot" jsonb null, "reminded_thresholds" text[] not null default '{}', constraint "project_contract_report_pkey" primary key ("id"));`);
    this.addSql(`create index "project_contract_report_status_due_on_index" on "project_contract_report" ("status", "due_on");`);
    this.addSql(`alter table "project_contract_report" add constraint "project_contract_report_contract_id_kind_unique" unique ("contract_id", "kind");`);

    this.addSql(`create table "project_contract_line" ("id" uuid not null, "contract_id" uuid not null, "code" text not null, "category" text check ("category" in ('INDIVIDUAL_SUPPORT', 'TRAVEL', 'INCLUSION_SUPPORT', 'ORGANISATIONAL_SUPPORT', 'EXCEPTIONAL_COSTS')) not null, "mobility_type" text check ("mobility_type" in ('SMS', 'SMT', 'STA', 'STT')) null, "awarded_amount" numeric(12,2) not null, "awarded_mobilities" int null, constraint "project_contract_line_pkey" primary key ("id"));`);
    this.addSql(`alter table "project_contract_line" add constraint "project_contract_line_contract_id_code_unique" unique ("contract_id", "code");`);

    this.addSql(`create table "project_contract_spending" ("id" uuid not null, "line_id" uuid not null, "amount" numeric(12,2) not null, "spent_on" date not null, "note" text null, "recorded_by" text null, "recorded_at" timestamptz not null default now(), constraint "project_contract_spending_pkey" primary key ("id"));`);
    this.addSql(`create index "project_contract_spending_line_id_spent_on_index" on "project_contract_spending" ("line_id", "spent_on");`);

    this.addSql(`create table "project_contract_amendment" ("id" uuid not null, "contract_id" uuid not null, "number" text not null, "signed_on" date not null, "reason" text not null, "changes" jsonb not null, "recorded_by" text null, "recorded_at" timestamptz not null default now(), constraint "project_contract_amendment_pkey" primary key ("id"));`);
    this.addSql(`alter table "project_contract_amendment" add constraint "project_contract_amendment_contract_id_number_unique" unique ("contract_id", "number");`);

    this.addSql(`create table "project_proposal_line" ("id" uuid not null, "proposal_id" uuid not null, "mobility_type" text check ("mobility_type" in ('SMS', 'SMT', 'STA', 'STT')) not null, "mobilities" int not null, "months" int null, "days" int null, "budget" numeric(12,2) null, "unit_ids" uuid[] not null default '{}', constraint "project_proposal_line_pkey" primary key ("id"));`);
    this.addSql(`alter table "project_proposal_line" add constraint "project_proposal_line_proposal_id_mobility_type_unique" unique ("proposal_id", "mobility_type");`);

    this.addSql(`create table "project_quota_request" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "unit_id" uuid not null, "academic_year" text not null, "mobility_type" text check ("mobility_type" in ('SMS', 'SMT', 'STA', 'STT')) not null, "mobilities" int not null, "months" int null, "days" int null, "note" text null, "status" text check ("status" in ('SUBMITTED', 'INCLUDED', 'DECLINED')) not null default 'SUBMITTED', "proposal_id" uuid null, "requested_by" text null, constraint "project_quota_request_pkey" primary key ("id"));`);
    this.addSql(`create index "project_quota_request_academic_year_status_index" on "project_quota_request" ("academic_year", "status");`);
    this.addSql(`alter table "project_quota_request" add constraint "project_quota_request_unit_id_academic_year_mobil_3dc2f_unique" unique ("unit_id", "academic_year", "mobility_type");`);

    this.addSql(`alter table "project_proposal" add constraint "project_proposal_na_call_id_foreign" foreign key ("na_call_id") references "na_call" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "project_grant_contract" add constraint "project_grant_contract_proposal_id_foreign" foreign key ("proposal_id") references "project_proposal" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "project_grant_contract" add constraint "project_grant_contract_na_call_id_foreign" foreign key ("na_call_id") references "na_call" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "project_contract_report" add constraint "project_contract_report_contract_id_foreign" foreign key ("contract_id") references "project_grant_contract" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_contract_line" add constraint "project_contract_line_contract_id_foreign" foreign key ("contract_id") references "project_grant_contract" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_contract_spending" add constraint "project_contract_spending_line_id_foreign" foreign key ("line_id") references "project_contract_line" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_contract_amendment" add constraint "project_contract_amendment_contract_id_foreign" foreign key ("contract_id") references "project_grant_contract" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_proposal_line" add constraint "project_proposal_line_proposal_id_foreign" foreign key ("proposal_id") references "project_proposal" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_quota_request" add constraint "project_quota_request_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "project_quota_request" add constraint "project_quota_request_proposal_id_foreign" foreign key ("proposal_id") references "project_proposal" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "project_proposal" drop constraint "project_proposal_na_call_id_foreign";`);

    this.addSql(`alter table "project_grant_contract" drop constraint "project_grant_contract_na_call_id_foreign";`);

    this.addSql(`alter table "project_grant_contract" drop constraint "project_grant_contract_proposal_id_foreign";`);

    this.addSql(`alter table "project_proposal_line" drop constraint "project_proposal_line_proposal_id_foreign";`);

    this.addSql(`alter table "project_quota_request" drop constraint "project_quota_request_proposal_id_foreign";`);

    this.addSql(`alter table "project_contract_report" drop constraint "project_contract_report_contract_id_foreign";`);

    this.addSql(`alter table "project_contract_line" drop constraint "project_contract_line_contract_id_foreign";`);

    this.addSql(`alter table "project_contract_amendment" drop constraint "project_contract_amendment_contract_id_foreign";`);

    this.addSql(`alter table "project_contract_spending" drop constraint "project_contract_spending_line_id_foreign";`);

    this.addSql(`drop table if exists "na_call" cascade;`);

    this.addSql(`drop table if exists "project_proposal" cascade;`);

    this.addSql(`drop table if exists "project_grant_contract" cascade;`);

    this.addSql(`drop table if exists "project_contract_report" cascade;`);

    this.addSql(`drop table if exists "project_contract_line" cascade;`);

    this.addSql(`drop table if exists "project_contract_spending" cascade;`);

    this.addSql(`drop table if exists "project_contract_amendment" cascade;`);

    this.addSql(`drop table if exists "project_proposal_line" cascade;`);

    this.addSql(`drop table if exists "project_quota_request" cascade;`);
  }

}
