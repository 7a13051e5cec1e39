import { Migration } from '@mikro-orm/migrations';

export class Migration20261128160129 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "mobility_programme" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" text check ("code" in ('ERASMUS_KA131', 'ERASMUS_KA171', 'MEVLANA', 'FARABI', 'BILATERAL')) not null, "name" jsonb not null, "family" text check ("family" in ('ERASMUS', 'MEVLANA', 'FARABI', 'BILATERAL')) not null, "agreement_kinds" text[] not null, "countries_included" text[] not null default '{}', "countries_excluded" text[] not null default '{}', "enabled" boolean not null default true, "grant_basis" text null, constraint "mobility_programme_pkey" primary key ("id"));`);
    this.addSql(`alter table "mobility_programme" add constraint "mobility_programme_code_unique" unique ("code");`);

    this.addSql(`create table "mobility_call" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" uuid not null, "mobility_type" text check ("mobility_type" in ('SMS', 'SMT', 'STA', 'STT')) not null, "category" text check ("category" in ('STUDENT', 'STAFF')) not null, "academic_year" text not null, "title" jsonb not null, "status" text check ("status" in ('DRAFT', 'PUBLISHED')) not null default 'DRAFT', "opens_at" timestamptz not null, "closes_at" timestamptz not null, "appeal_ends_at" timestamptz null, "waiver_deadline" timestamptz null, "max_preferences" int not null default 3, "min_gpa" numeric(3,2) null, "min_language_score" numeric(5,2) null, "required_documents" text[] not null default '{}', "zero_grant" boolean not null default false, "reserve_list_size" int null, "application_count" int not null default 0, "evaluated_at" timestamptz null, "placement_run_at" timestamptz null, "results_published_at" timestamptz null, constraint "mobility_call_pkey" primary key ("id"));`);
    this.addSql(`create index "mobility_call_academic_year_status_index" on "mobility_call" ("academic_year", "status");`);

    this.addSql(`create table "mobility_call_quota" ("id" uuid not null, "call_id" uuid not null, "unit_id" uuid not null, "isced" text null, "places" int not null, "granted_places" int null, constraint "mobility_call_quota_pkey" primary key ("id"));`);
    this.addSql(`alter table "mobility_call_quota" add constraint "mobility_call_quota_call_id_unit_id_isced_unique" unique ("call_id", "unit_id", "isced");`);

    this.addSql(`create table "mobility_call_place" ("id" uuid not null, "call_id" uuid not null, "condition_id" uuid null, "partner_id" uuid not null, "country" char(2) not null, "sending_unit_id" uuid null, "isced_codes" text[] not null default '{}', "eqf_levels" smallint[] not null default '{}', "capacity" int not null, "position" int not null default 0, constraint "mobility_call_place_pkey" primary key ("id"));`);
    this.addSql(`alter table "mobility_call_place" add constraint "mobility_call_place_call_id_condition_id_unique" unique ("call_id", "condition_id");`);

    this.addSql(`create table "mobility_application" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "number" text not null, "call_id" uuid not null, "applicant_subject" text not null, "unit_id" uuid not null, "status" text check ("status" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'CANCELLED')) not null default 'DRAFT', "study_level" text check ("study_level" in ('ASSOCIATE', 'BACHELOR', 'MASTER', 'DOCTORATE')) null, "year_of_study" smallint null, "field_of_study" text null, "gpa" numeric(3,2) null, "language_exam" text null, "language_score" numeric(5,2) null, "citizenships" text[] not null default '{}', "planned_months" numeric(4,1) null, "planned_days" int null, "accepts_zero_grant" boolean not null default false, "declared_facts" jsonb not null default '[]', "documents" jsonb not null default '[]', "previous_mobilities" int null, "eligibility_issues" jsonb not null default '[]', "score" numeric(6,2) null, "score_breakdown" jsonb not null default '[]', "academic_points" numeric(6,2) null, "language_points" numeric(6,2) null, "rank" int null, "reserve_rank" int null, "placed_at_id" uuid null, "zero_grant" boolean not null default false, "penalised_withdrawal" boolean not null default false, "submitted_at" timestamptz null, "office_note" text null, constraint "mobility_application_pkey" primary key ("id"));`);
    this.addSql(`alter table "mobility_application" add constraint "mobility_application_number_unique" unique ("number");`);
    this.addSql(`create index "mobility_application_placed_at_id_index" on "mobility_application" ("placed_at_id");`);
    this.addSql(`create index "mobility_application_applicant_subject_index" on "mobility_application" ("applicant_subject");`);
    this.addSql(`create index "mobility_application_call_id_status_index" on "mobility_application" ("call_id", "status");`);
    this.addSql(`alter table "mobility_application" add constraint "mobility_application_call_id_applicant_subject_unique" unique ("call_id", "applicant_subject");`);

    this.addSql(`create table "mobility_application_status_change" ("id" uuid not null, "application_id" uuid not null, "from" text check ("from" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'CANCELLED')) null, "to" text check ("to" in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'INELIGIBLE', 'SCORED', 'SELECTED', 'RESERVE', 'NOT_SELECTED', 'WAIVED', 'WITHDRAWN', 'NOMINATED', 'ACCEPTED', 'REJECTED', 'CANCELLED')) not null, "actor" text null, "reason" text null, "at" timestamptz not null default now(), constraint "mobility_application_status_change_pkey" primary key ("id"));`);
    this.addSql(`create index "mobility_application_status_change_application_id_at_index" on "mobility_application_status_change" ("application_id", "at");`);

    this.addSql(`create table "mobility_application_preference" ("id" uuid not null, "application_id" uuid not null, "rank" smallint not null, "place_id" uuid not null, constraint "mobility_application_preference_pkey" primary key ("id"));`);
    this.addSql(`create index "mobility_application_preference_place_id_index" on "mobility_application_preference" ("place_id");`);
    this.addSql(`alter table "mobility_application_preference" add constraint "mobility_application_preference_application_id_place_id_unique" unique ("application_id", "place_id");`);
    this.addSql(`alter table "mobility_application_preference" add constraint "mobility_application_preference_application_id_rank_unique" unique ("application_id", "rank");`);

    this.addSql(`create table "programme_rule_set" ("id" uuid not null, "programme_id" uuid not null, "academic_year" text not null, "category" text check ("category" in ('STUDENT', 'STAFF')) not null, "rules" jsonb not null, "version" int not null default 1, "updated_by" text null, "updated_at" timestamptz not null default now(), constraint "programme_rule_set_pkey" primary key ("id"));`);
    this.addSql(`alter table "programme_rule_set" add constraint "programme_rule_set_programme_id_academic_year_category_unique" unique ("programme_id", "academic_year", "category");`);

    this.addSql(`alter table "mobility_call" add constraint "mobility_call_programme_id_foreign" foreign key ("programme_id") references "mobility_programme" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "mobility_call_quota" add constraint "mobility_call_quota_call_id_foreign" foreign key ("call_id") references "mobility_call" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "mobility_call_quota" add constraint "mobility_call_quota_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "mobility_call_place" add constraint "mobility_call_place_call_id_foreign" foreign key ("call_id") references "mobility_call" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "mobility_call_place" add constraint "mobility_call_place_condition_id_foreign" foreign key ("condition_id") references "cooperation_condition" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "mobility_call_place" add constraint "mobility_call_place_partner_id_foreign" foreign key ("partner_id") references "institution" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "mobility_call_place" add constraint "mobility_call_place_sending_unit_id_foreign" foreign key ("sending_unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "mobility_application" add constraint "mobility_application_call_id_foreign" foreign key ("call_id") references "mobility_call" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "mobility_application" add constraint "mobility_application_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "mobility_application" add constraint "mobility_application_placed_at_id_foreign" foreign key ("placed_at_id") references "mobility_call_place" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "mobility_application_status_change" add constraint "mobility_application_status_change_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "mobility_application_preference" add constraint "mobility_application_preference_application_id_foreign" foreign key ("application_id") references "mobility_application" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "mobility_application_preference" add constraint "mobility_application_preference_place_id_foreign" foreign key ("place_id") references "mobility_call_place" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "programme_rule_set" add constraint "programme_rule_set_programme_id_foreign" foreign key ("programme_id") references "mobility_programme" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "mobility_call" drop constraint "mobility_call_programme_id_foreign";`);

    this.addSql(`alter table "programme_rule_set" drop constraint "programme_rule_set_programme_id_foreign";`);

    this.addSql(`alter table "mobility_call_quota" drop constraint "mobility_call_quota_call_id_foreign";`);

    this.addSql(`alter table "mobility_call_place" drop constraint "mobility_call_place_call_id_foreign";`);

    this.addSql(`alter table "mobility_application" drop constraint "mobility_application_call_id_foreign";`);

    this.addSql(`alter table "mobility_application" drop constraint "mobility_application_placed_at_id_foreign";`);

    this.addSql(`alter table "mobility_application_preference" drop constraint "mobility_application_preference_place_id_foreign";`);

    this.addSql(`alter table "mobility_application_status_change" drop constraint "mobility_application_status_change_application_id_foreign";`);

    this.addSql(`alter table "mobility_application_preference" drop constraint "mobility_application_preference_application_id_foreign";`);

    this.addSql(`drop table if exists "mobility_programme" cascade;`);

    this.addSql(`drop table if exists "mobility_call" cascade;`);

    this.addSql(`drop table if exists "mobility_call_quota" cascade;`);

    this.addSql(`drop table if exists "mobility_call_place" cascade;`);

    this.addSql(`drop table if exists "mobility_application" cascade;`);

    this.addSql(`drop table if exists "mobility_application_status_change" cascade;`);

    this.addSql(`drop table if exists "mobility_application_preference" cascade;`);

    this.addSql(`drop table if exists "programme_rule_set" cascade;`);
  }

}
