import { Migration } from '@mikro-orm/migrations';

export class Migration20261207171959 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "housing_room" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "residence" text not null, "kind" text check ("kind" in ('DORMITORY', 'PARTNER_HOUSING')) not null, "code" text not null, "capacity" smallint not null, "available_from" date null, "available_until" date null, "active" boolean not null default true, constraint "housing_room_pkey" primary key ("id"));`);
    this.addSql(`alter table "housing_room" add constraint "housing_room_residence_code_unique" unique ("residence", "code");`);

    this.addSql(`create table "incoming_deadline" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "academic_year" text not null, "term" text check ("term" in ('FALL', 'SPRING', 'FULL_YEAR')) not null, "nomination_deadline" date not null, "application_deadline" date not null, constraint "incoming_deadline_pkey" primary key ("id"));`);
    this.addSql(`alter table "incoming_deadline" add constraint "incoming_deadline_academic_year_term_unique" unique ("academic_year", "term");`);

    this.addSql(`create table "incoming_mobility" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "number" text not null, "status" text check ("status" in ('NOMINATED', 'APPLIED', 'INFO_REQUESTED', 'ACCEPTED', 'REJECTED', 'ARRIVED', 'DEPARTED', 'COMPLETED', 'WITHDRAWN', 'CANCELLED')) not null default 'NOMINATED', "mobility_type" text check ("mobility_type" in ('SMS', 'SMT', 'STA', 'STT')) not null, "source" text check ("source" in ('STAFF_ENTRY', 'CSV', 'EWP')) not null, "nominee_subject" text null, "invitation_code_hash" text null, "given_names" text not null, "family_name" text not null, "email" text not null, "birth_date" date null, "citizenships" text[] not null default '{}', "sending_institution_id" uuid not null, "sending_unit_name" text null, "agreement_id" uuid null, "cooperation_condition_id" uuid null, "host_unit_id" uuid not null, "academic_year" text not null, "term" text check ("term" in ('FALL', 'SPRING', 'FULL_YEAR')) not null, "study_level" text check ("study_level" in ('ASSOCIATE', 'BACHELOR', 'MASTER', 'DOCTORATE')) null, "isced_code" text null, "language_code" text null, "language_level" text null, "nomination_issues" jsonb not null default '[]', "issues_acknowledged_by" text null, "issues_acknowledged_at" timestamptz null, "issues_acknowledgement_note" text null, "nominated_on" date null, "submitted_at" timestamptz null, "documents" jsonb not null default '[]', "accommodation_requested" boolean not null default false, "accommodation_note" text null, "planned_arrival" date null, "planned_departure" date null, "arrival_note" text null, "decision_note" text null, "decided_at" timestamptz null, "decided_by" text null, "actual_arrival" date null, "actual_departure" date null, "orientation_event_id" uuid null, "buddy_name" text null, "buddy_email" text null, "residence_permit_required" boolean not null default false, "residence_permit_due_on" date null, "residence_permit_obtained_on" date null, "attendance_confirmed_at" timestamptz null, "attendance_confirmed_by" text null, "transcript_issued_at" timestamptz null, "transcript_sent_to_partner_at" timestamptz null, "visit_programme" text null, "teaching_hours" numeric(5,1) null, "office_note" text null, constraint "incoming_mobility_pkey" primary key ("id"));`);
    this.addSql(`alter table "incoming_mobility" add constraint "incoming_mobility_number_unique" unique ("number");`);
    this.addSql(`create index "incoming_mobility_cooperation_condition_id_index" on "incoming_mobility" ("cooperation_condition_id");`);
    this.addSql(`create index "incoming_mobility_host_unit_id_index" on "incoming_mobility" ("host_unit_id");`);
    this.addSql(`create index "incoming_mobility_nominee_subject_index" on "incoming_mobility" ("nominee_subject");`);
    this.addSql(`create index "incoming_mobility_academic_year_status_index" on "incoming_mobility" ("academic_year", "status");`);

    this.addSql(`create table "incoming_status_change" ("id" uuid not null, "mobility_id" uuid not null, "from" text check ("from" in ('NOMINATED', 'APPLIED', 'INFO_REQUESTED', 'ACCEPTED', 'REJECTED', 'ARRIVED', 'DEPARTED', 'COMPLETED', 'WITHDRAWN', 'CANCELLED')) null, "to" text check ("to" in ('NOMINATED', 'APPLIED', 'INFO_REQUESTED', 'ACCEPTED', 'REJECTED', 'ARRIVED', 'DEPARTED', 'COMPLETED', 'WITHDRAWN', 'CANCELLED')) not null, "actor" text null, "reason" text null, "at" timestamptz not null default now(), constraint "incoming_status_change_pkey" primary key ("id"));`);
    this.addSql(`create index "incoming_status_change_mobility_id_at_index" on "incoming_status_change" ("mobility_id", "at");`);

    this.addSql(`create table "incoming_la_proposal" ("id" uuid not null, "mobility_id" uuid not null, "revision" smallint not null, "components" jsonb not null default '[]', "decision" text check ("decision" in ('PENDING', 'APPROVED', 'COMMENTED')) not null default 'PENDING', "comment" text null, "superseded" boolean not null default false, "signer_name" text null, "signer_position" text null, "signer_subject" text null, "answered_at" timestamptz null, "proposed_by" text null, "proposed_at" timestamptz not null default now(), constraint "incoming_la_proposal_pkey" primary key ("id"));`);
    this.addSql(`alter table "incoming_la_proposal" add constraint "incoming_la_proposal_mobility_id_revision_unique" unique ("mobility_id", "revision");`);

    this.addSql(`create table "incoming_course" ("id" uuid not null, "mobility_id" uuid not null, "course_id" uuid not null, "status" text check ("status" in ('CHOSEN', 'REGISTERED', 'DROPPED')) not null default 'CHOSEN', "grade" text null, "ects_earned" numeric(4,1) null, "graded_at" timestamptz null, constraint "incoming_course_pkey" primary key ("id"));`);
    this.addSql(`alter table "incoming_course" add constraint "incoming_course_mobility_id_course_id_unique" unique ("mobility_id", "course_id");`);

    this.addSql(`create table "housing_assignment" ("id" uuid not null, "room_id" uuid not null, "mobility_id" uuid not null, "starts_on" date not null, "ends_on" date not null, "released_at" timestamptz null, constraint "housing_assignment_pkey" primary key ("id"));`);
    this.addSql(`create index "housing_assignment_mobility_id_index" on "housing_assignment" ("mobility_id");`);
    this.addSql(`create index "housing_assignment_room_id_starts_on_index" on "housing_assignment" ("room_id", "starts_on");`);

    this.addSql(`alter table "incoming_mobility" add constraint "incoming_mobility_sending_institution_id_foreign" foreign key ("sending_institution_id") references "institution" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "incoming_mobility" add constraint "incoming_mobility_agreement_id_foreign" foreign key ("agreement_id") references "agreement" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "incoming_mobility" add constraint "incoming_mobility_cooperation_condition_id_foreign" foreign key ("cooperation_condition_id") references "cooperation_condition" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "incoming_mobility" add constraint "incoming_mobility_host_unit_id_foreign" foreign key ("host_unit_id") references "organisational_unit" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "incoming_status_change" add constraint "incoming_status_change_mobility_id_foreign" foreign key ("mobility_id") references "incoming_mobility" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "incoming_la_proposal" add constraint "incoming_la_proposal_mobility_id_foreign" foreign key ("mobility_id") references "incoming_mobility" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "incoming_course" add constraint "incoming_course_mobility_id_foreign" foreign key ("mobility_id") references "incoming_mobility" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "incoming_course" add constraint "incoming_course_course_id_foreign" foreign key ("course_id") references "home_course" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "housing_assignment" add constraint "housing_assignment_room_id_foreign" foreign key ("room_id") references "housing_room" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "housing_assignment" add constraint "housing_assignment_mobility_id_foreign" foreign key ("mobility_id") references "incoming_mobility" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "housing_assignment" drop constraint "housing_assignment_room_id_foreign";`);

    this.addSql(`alter table "incoming_status_change" drop constraint "incoming_status_change_mobility_id_foreign";`);

    this.addSql(`alter table "incoming_la_proposal" drop constraint "incoming_la_proposal_mobility_id_foreign";`);

    this.addSql(`alter table "incoming_course" drop constraint "incoming_course_mobility_id_foreign";`);

    this.addSql(`alter table "housing_assignment" drop constraint "housing_assignment_mobility_id_foreign";`);

    this.addSql(`drop table if exists "housing_room" cascade;`);

    this.addSql(`drop table if exists "incoming_deadline" cascade;`);

    this.addSql(`drop table if exists "incoming_mobility" cascade;`);

    this.addSql(`drop table if exists "incoming_status_change" cascade;`);

    this.addSql(`drop table if exists "incoming_la_proposal" cascade;`);

    this.addSql(`drop table if exists "incoming_course" cascade;`);

    this.addSql(`drop table if exists "housing_assignment" cascade;`);
  }

}
