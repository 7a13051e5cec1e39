import { Migration } from '@mikro-orm/migrations';

export class Migration20261207172513 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "admission_exam" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" text not null, "name" jsonb not null, "kind" text check ("kind" in ('ENTRANCE', 'LANGUAGE')) not null, "language" text null, "scale_min" numeric(8,2) not null, "scale_max" numeric(8,2) not null, "higher_is_better" boolean not null default true, "conversion_table" jsonb not null default '[]', "active" boolean not null default true, "notes" text null, constraint "admission_exam_pkey" primary key ("id"));`);
    this.addSql(`alter table "admission_exam" add constraint "admission_exam_code_unique" unique ("code");`);

    this.addSql(`create table "admission_call" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "academic_year" text not null, "unit_id" uuid not null, "programme_name" jsonb not null, "status" text check ("status" in ('DRAFT', 'OPEN', 'CLOSED', 'RESULTS_PUBLISHED')) not null default 'DRAFT', "quota" int not null, "language_of_instruction" text not null, "required_documents" text[] not null default '{}', "accepted_exams" jsonb not null default '[]', "language_certificates" jsonb not null default '[]', "preparation_year" boolean not null default false, "opens_at" timestamptz not null, "closes_at" timestamptz not null, "enrolment_deadline" timestamptz not null, "published_at" timestamptz null, "closed_at" timestamptz null, "evaluated_at" timestamptz null, "results_published_at" timestamptz null, "application_count" int not null default 0, constraint "admission_call_pkey" primary key ("id"));`);
    this.addSql(`create index "admission_call_unit_id_index" on "admission_call" ("unit_id");`);
    this.addSql(`create index "admission_call_academic_year_status_index" on "admission_call" ("academic_year", "status");`);

    this.addSql(`create table "admission_application" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "number" text not null, "call_id" uuid not null, "applicant_subject" text not null, "status" text check ("status" in ('DRAFT', 'SUBMITTED', 'INCOMPLETE', 'DOCUMENTS_VERIFIED', 'ADMITTED', 'CONDITIONALLY_ADMITTED', 'WAITLISTED', 'REJECTED', 'ENROLLED', 'DECLINED', 'WITHDRAWN', 'CANCELLED')) not null default 'DRAFT', "given_name" text not null, "family_name" text not null, "nationality" char(2) not null, "country_of_residence" char(2) not null, "email" text not null, "birth_date" date not null, "exam_code" text null, "exam_score" numeric(8,2) null, "language_certificate_code" text null, "language_certificate_score" numeric(8,2) null, "documents" jsonb not null default '[]', "converted_score" numeric(6,2) null, "score_computation" jsonb null, "language_proficient" boolean null, "rank" int null, "waitlist_rank" int null, "decision_reason" text null, "submitted_at" timestamptz null, "enrolled_at" timestamptz null, constraint "admission_application_pkey" primary key ("id"));`);
    this.addSql(`alter table "admission_application" add constraint "admission_application_number_unique" unique ("number");`);
    this.addSql(`create index "admission_application_applicant_subject_index" on "admission_application" ("applicant_subject");`);
    this.addSql(`create index "admission_application_call_id_status_index" on "admission_application" ("call_id", "status");`);
    this.addSql(`alter table "admission_application" add constraint "admission_application_call_id_applicant_subject_unique" unique ("call_id", "applicant_subject");`);

    this.addSql(`create table "admission_status_change" ("id" uuid not null, "application_id" uuid not null, "from" text check ("from" in ('DRAFT', 'SUBMITTED', 'INCOMPLETE', 'DOCUMENTS_VERIFIED', 'ADMITTED', 'CONDITIONALLY_ADMITTED', 'WAITLISTED', 'REJECTED', 'ENROLLED', 'DECLINED', 'WITHDRAWN', 'CANCELLED')) null, "to" text check ("to" in ('DRAFT', 'SUBMITTED', 'INCOMPLETE', 'DOCUMENTS_VERIFIED', 'ADMITTED', 'CONDITIONALLY_ADMITTED', 'WAITLISTED', 'REJECTED', 'ENROLLED', 'DECLINED', 'WITHDRAWN', 'CANCELLED')) not null, "actor" text null, "reason" text null, "at" timestamptz not null default now(), constraint "admission_status_change_pkey" primary key ("id"));`);
    this.addSql(`create index "admission_status_change_application_id_at_index" on "admission_status_change" ("application_id", "at");`);

    this.addSql(`alter table "admission_call" add constraint "admission_call_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "admission_application" add constraint "admission_application_call_id_foreign" foreign key ("call_id") references "admission_call" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "admission_status_change" add constraint "admission_status_change_application_id_foreign" foreign key ("application_id") references "admission_application" ("id") on update cascade on delete cascade;`);

  }

  override async down(): Promise<void> {
    this.addSql(`alter table "admission_application" drop constraint "admission_application_call_id_foreign";`);

    this.addSql(`alter table "admission_status_change" drop constraint "admission_status_change_application_id_foreign";`);

    this.addSql(`drop table if exists "admission_exam" cascade;`);

    this.addSql(`drop table if exists "admission_call" cascade;`);

    this.addSql(`drop table if exists "admission_application" cascade;`);

    this.addSql(`drop table if exists "admission_status_change" cascade;`);

  }

}
