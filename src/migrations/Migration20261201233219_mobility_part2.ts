import { Migration } from '@mikro-orm/migrations';

export class Migration20261201233219 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "grade_conversion_table" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "partner_id" uuid null, "isced_code" text null, "host_scale" jsonb not null default '[]', "home_scale" jsonb not null default '[]', "mapping" jsonb not null default '{}', constraint "grade_conversion_table_pkey" primary key ("id"));`);
    this.addSql(`create unique index "grade_conversion_table_scope_unique" on "grade_conversion_table" ("partner_id", "isced_code") nulls not distinct;`);

    this.addSql(`create table "grant_rate_table" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" uuid not null, "academic_year" text not null, "rates" jsonb not null, "source" text null, constraint "grant_rate_table_pkey" primary key ("id"));`);
    this.addSql(`alter table "grant_rate_table" add constraint "grant_rate_table_programme_id_academic_year_unique" unique ("programme_id", "academic_year");`);

    this.addSql(`create table "home_course" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" text not null, "title" jsonb not null, "ects" numeric(4,1) not null, "unit_id" uuid null, "language" text null, "semester" text null, "isced_code" text null, "active" boolean not null default true, constraint "home_course_pkey" primary key ("id"));`);
    this.addSql(`alter table "home_course" add constraint "home_course_code_unique" unique ("code");`);
    this.addSql(`create index "home_course_unit_id_index" on "home_course" ("unit_id");`);

    this.addSql(`create table "mobility_grant" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "application_id" uuid not null, "fewer_opportunities" boolean not null default false, "green_travel" boolean not null default false, "distance_km" int null, "instalment_plan" smallint[] not null, "basis" text check ("basis" in ('PLANNED', 'ACTUAL')) not null default 'PLANNED', "zero_grant" boolean not null default false, "period_start" date null, "period_end" date null, "duration_days" int not null default 0, "months" int not null default 0, "days" int not null default 0, "individual_support" numeric(10,2) not null default 0, "top_ups" numeric(10,2) not null default 0, "travel" numeric(10,2) not null default 0, "total" numeric(10,2) not null default 0, "working" jsonb not null default '[]', "rate_table_id" uuid null, "computed_at" timestamptz null, constraint "mobility_grant_pkey" primary key ("id"));`);
    this.addSql(`alter table "mobility_grant" add constraint "mobility_grant_application_id_unique" unique ("application_id");`);

    this.addSql(`create table "mobility_grant_payment" ("id" uuid not null, "grant_id" uuid not null, "instalment" smallint not null, "amount" numeric(10,2) not null, "paid_on" date not null, "reference" text null, "recorded_by" text null, "recorded_at" timestamptz not null default now(), constraint "mobility_grant_payment_pkey" primary key ("id"));`);
    this.addSql(`create index "mobility_grant_payment_grant_id_paid_on_index" on "mobility_grant_payment" ("grant_id", "paid_on");`);

    this.addSql(`create table "learning_agreement" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "application_id" uuid not null, "student_language" text null, "student_cefr_level" text null, "approved_version_number" int null, constraint "learning_agreement_pkey" primary key ("id"));`);
    this.addSql(`alter table "learning_agreement" add constraint "learning_agreement_application_id_unique" unique ("application_id");`);

    this.addSql(`create table "learning_agreement_version" ("id" uuid not null, "learning_agreement_id" uuid not null, "number" int not null, "kind" text check ("kind" in ('FIRST_VERSION', 'CHANGE_PROPOSAL')) not null, "state" text check ("state" in ('PROPOSED', 'APPROVED', 'SUPERSEDED', 'REJECTED')) not null default 'PROPOSED', "components" jsonb not null default '[]', "changes" jsonb not null default '[]', "signatures" jsonb not null default '[]', "rejected_by" text check ("rejected_by" in ('STUDENT', 'SENDING', 'RECEIVING')) null, "rejection_comment" text null, "proposed_by" text null, "proposed_at" timestamptz not null default now(), "decided_at" timestamptz null, constraint "learning_agreement_version_pkey" primary key ("id"));`);
    this.addSql(`create index "learning_agreement_version_learning_agreement_id_state_index" on "learning_agreement_version" ("learning_agreement_id", "state");`);
    this.addSql(`alter table "learning_agreement_version" add constraint "learning_agreement_version_learning_agreement_id_number_unique" unique ("learning_agreement_id", "number");`);

    this.addSql(`create table "mobility_course_recognition" ("id" uuid not null, "application_id" uuid not null, "component_id" text not null, "outcome" text check ("outcome" in ('RECOGNISED', 'NOT_RECOGNISED')) not null, "recognised_ects" numeric(4,1) not null default 0, "home_grade" text null, "note" text null, "decided_by" text null, "decided_at" timestamptz not null default now(), constraint "mobility_course_recognition_pkey" primary key ("id"));`);
    this.addSql(`alter table "mobility_course_recognition" add constraint "mobility_course_recognition_application_id_component_id_unique" unique ("application_id", "component_id");`);

    this.addSql(`create table "mobility_return_document" ("id" uuid not null, "application_id" uuid not null, "kind" text check ("kind" in ('CERTIFICATE_OF_ATTENDANCE', 'PARTICIPANT_REPORT', 'LANGUAGE_ASSESSMENT', 'TRANSCRIPT_OF_RECORDS', 'TRAINEESHIP_CERTIFICATE')) not null, "due_on" date null, "received_at" timestamptz null, "reference" text null, "last_reminded_at" timestamptz null, constraint "mobility_return_document_pkey" primary key ("id"));`);
    this.addSql(`create index "mobility_return_document_due_on_index" on "mobility_return_document" ("due_on");`);
    this.addSql(`alter table "mobility_return_document" add constraint "mobility_return_document_application_id_kind_unique" unique ("application_id", "kind");`);

    this.addSql(`create table "mobility_transcript_entry" ("id" uuid not null, "application_id" uuid not null, "component_id" text null, "course_code" text null, "course_title" text not null, "ects" numeric(4,1) not null, "host_grade" text not null, "passed" boolean not null, "home_grade" text null, "conversion_table_id" uuid null, constraint "mobility_transcript_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "mobility_transcript_entry_application_id_index" on "mobility_transcript_entry" ("application_id");`);

    this.addSql(`alter table "grade_conversion_table" add constraint "grade_conversion_table_partner_id_foreign" foreign key ("partner_id") references "institution" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "grant_rate_table" add constraint "grant_rate_table_programme_id_foreign" foreign key ("programme_id") references "mobility_programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "home_course" add constraint "home_course_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "mobility_grant" add constraint "mobility_grant_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "mobility_grant" add constraint "mobility_grant_rate_table_id_foreign" foreign key ("rate_table_id") references "grant_rate_table" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "mobility_grant_payment" add constraint "mobility_grant_payment_grant_id_foreign" foreign key ("grant_id") references "mobility_grant" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "learning_agreement" add constraint "learning_agreement_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "learning_agreement_version" add constraint "learning_agreement_version_learning_agreement_id_foreign" foreign key ("learning_agreement_id") references "learning_agreement" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "mobility_course_recognition" add constraint "mobility_course_recognition_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "mobility_return_document" add constraint "mobility_return_document_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "mobility_transcript_entry" add constraint "mobility_transcript_entry_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "mobility_transcript_entry" add constraint "mobility_transcript_entry_conversion_table_id_foreign" foreign key ("conversion_table_id") references "grade_conversion_table" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "mobility_application" drop constraint if exists "mobility_application_status_check";`);

    this.addSql(`alter table "mobility_application_status_change" drop constraint if exists "mobility_application_status_change_from_check";`);
    this.addSql(`alter table "mobility_application_status_change" drop constraint if exists "mobility_application_status_change_to_check";`);

    this.addSql(`alter table "mobility_call" add column "grant_contract_number" text null;`);

    this.addSql(`alter table "mobility_application" add column "planned_start" date null, add column "planned_end" date null, add column "actual_start" date null, add column "actual_end" date null, add column "attendance_confirmed_at" timestamptz null, add column "attendance_confirmed_by" text null;`);
    this.addSql(`alter table "mobility_application" add constraint "mobility_application_status_check" check("status" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'LIVE', 'COMPLETED', 'RECOGNISED', 'CANCELLED'));`);

    this.addSql(`alter table "mobility_application_status_change" add constraint "mobility_application_status_change_from_check" check("from" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'LIVE', 'COMPLETED', 'RECOGNISED', 'CANCELLED'));`);
    this.addSql(`alter table "mobility_application_status_change" add constraint "mobility_application_status_change_to_check" check("to" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'LIVE', 'COMPLETED', 'RECOGNISED', 'CANCELLED'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "mobility_transcript_entry" drop constraint "mobility_transcript_entry_conversion_table_id_foreign";`);

    this.addSql(`alter table "mobility_grant" drop constraint "mobility_grant_rate_table_id_foreign";`);

    this.addSql(`alter table "mobility_grant_payment" drop constraint "mobility_grant_payment_grant_id_foreign";`);

    this.addSql(`alter table "learning_agreement_version" drop constraint "learning_agreement_version_learning_agreement_id_foreign";`);

    this.addSql(`drop table if exists "grade_conversion_table" cascade;`);

    this.addSql(`drop table if exists "grant_rate_table" cascade;`);

    this.addSql(`drop table if exists "home_course" cascade;`);

    this.addSql(`drop table if exists "mobility_grant" cascade;`);

    this.addSql(`drop table if exists "mobility_grant_payment" cascade;`);

    this.addSql(`drop table if exists "learning_agreement" cascade;`);

    this.addSql(`drop table if exists "learning_agreement_version" cascade;`);

    this.addSql(`drop table if exists "mobility_course_recognition" cascade;`);

    this.addSql(`drop table if exists "mobility_return_document" cascade;`);

    this.addSql(`drop table if exists "mobility_transcript_entry" cascade;`);

    this.addSql(`alter table "mobility_application" drop constraint if exists "mobility_application_status_check";`);

    this.addSql(`alter table "mobility_application_status_change" drop constraint if exists "mobility_application_status_change_from_check";`);
    this.addSql(`alter table "mobility_application_status_change" drop constraint if exists "mobility_application_status_change_to_check";`);

    this.addSql(`alter table "mobility_application" drop column "planned_start", drop column "planned_end", drop column "actual_start", drop column "actual_end", drop column "attendance_confirmed_at", drop column "attendance_confirmed_by";`);

    this.addSql(`alter table "mobility_application" add constraint "mobility_application_status_check" check("status" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'CANCELLED'));`);

    this.addSql(`alter table "mobility_application_status_change" add constraint "mobility_application_status_change_from_check" check("from" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'CANCELLED'));`);
    this.addSql(`alter table "mobility_application_status_change" add constraint "mobility_application_status_change_to_check" check("to" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'CANCELLED'));`);

    this.addSql(`alter table "mobility_call" drop column "grant_contract_number";`);
  }

}
