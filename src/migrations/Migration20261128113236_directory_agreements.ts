import { Migration } from '@mikro-orm/migrations';

export class Migration20261128113236 extends Migration {

  override async up(): Promise<void> {
    // Trigram search over institution names (PGlite ships the extension; PostgreSQL has it in contrib).
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create table "association_membership" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "association_id" uuid not null, "status" text check ("status" in ('APPLIED', 'ACTIVE', 'LAPSED', 'CANCELLED')) not null, "annual_fee" numeric(12,2) null, "fee_currency" char(3) null, "member_since" date null, "renewal_date" date null, "info_update_due_on" date null, "responsible_contact" text null, "notes" text null, constraint "association_membership_pkey" primary key ("id"));`);
    this.addSql(`alter table "association_membership" add constraint "association_membership_association_id_unique" unique ("association_id");`);
    this.addSql(`create index "association_membership_renewal_date_index" on "association_membership" ("renewal_date");`);

    this.addSql(`create table "membership_correspondence" ("id" uuid not null, "membership_id" uuid not null, "date" date not null, "direction" text check ("direction" in ('INCOMING', 'OUTGOING')) not null, "subject" text not null, "body" text null, "attachments" text[] not null default '{}', "created_at" timestamptz not null default now(), constraint "membership_correspondence_pkey" primary key ("id"));`);
    this.addSql(`create index "membership_correspondence_membership_id_date_index" on "membership_correspondence" ("membership_id", "date");`);

    this.addSql(`create table "contact_person" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "institution_id" uuid not null, "unit_id" uuid null, "role" text check ("role" in ('INTERNATIONAL_COORDINATOR', 'ACADEMIC_COORDINATOR', 'SIGNATORY', 'ADMISSIONS', 'OTHER')) not null, "name" text not null, "email" text null, "phone" text null, "staff_only" boolean not null default false, constraint "contact_person_pkey" primary key ("id"));`);
    this.addSql(`create index "contact_person_institution_id_index" on "contact_person" ("institution_id");`);

    this.addSql(`create table "agreement" ("id" uuid not null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "kind" text check ("kind" in ('ERASMUS_IIA', 'BILATERAL', 'MEMORANDUM', 'FARABI', 'MEVLANA')) not null, "status" text check ("status" in ('DRAFT', 'IN_NEGOTIATION', 'SIGNED_BY_ONE', 'IN_EFFECT', 'EXPIRED', 'TERMINATED')) not null default 'DRAFT', "title" text not null, "reference" text null, "home_unit_id" uuid null, "first_academic_year" text not null, "last_academic_year" text not null, "home_signatory" text null, "home_signed_on" date null, "partner_signatory" text null, "partner_signed_on" date null, "terminated_on" date null, "ewp_iia_id" text null, "ewp_partner_iia_id" text null, "internal_note" text null, constraint "agreement_pkey" primary key ("id"));`);
    this.addSql(`alter table "agreement" add constraint "agreement_reference_unique" unique ("reference");`);
    this.addSql(`alter table "agreement" add constraint "agreement_ewp_iia_id_unique" unique ("ewp_iia_id");`);
    this.addSql(`create index "agreement_last_academic_year_index" on "agreement" ("last_academic_year");`);
    this.addSql(`create index "agreement_status_kind_index" on "agreement" ("status", "kind");`);

    this.addSql(`create table "cooperation_condition" ("id" uuid not null, "agreement_id" uuid not null, "sending_institution_id" uuid not null, "sending_unit_id" uuid null, "receiving_institution_id" uuid not null, "receiving_unit_id" uuid null, "mobility_type" text check ("mobility_type" in ('SMS', 'SMT', 'STA', 'STT')) not null, "first_academic_year" text not null, "last_academic_year" text not null, "mobilities_per_year" int not null, "total_months_per_year" numeric(6,1) null, "total_days_per_year" int null, "subject_areas" jsonb not null default '[]', "isced_codes" text[] not null default '{}', "eqf_levels" smallint[] not null default '{}', "languages" jsonb not null default '[]', "language_codes" text[] not null default '{}', "blended" boolean not null default false, "position" int not null default 0, constraint "cooperation_condition_pkey" primary key ("id"));`);
    this.addSql(`create index "cooperation_condition_isced_gin" on "cooperation_condition" using gin ("isced_codes");`);
    this.addSql(`create index "cooperation_condition_agreement_id_index" on "cooperation_condition" ("agreement_id");`);

    this.addSql(`create table "agreement_revision" ("id" uuid not null, "agreement_id" uuid not null, "version" int not null, "actor" text null, "at" timestamptz not null default now(), "snapshot" jsonb not null, "changes" jsonb not null default '[]', constraint "agreement_revision_pkey" primary key ("id"));`);
    this.addSql(`alter table "agreement_revision" add constraint "agreement_revision_agreement_id_version_unique" unique ("agreement_id", "version");`);

    this.addSql(`create table "agreement_partner" ("id" uuid not null, "agreement_id" uuid not null, "institution_id" uuid not null, "unit_id" uuid null, constraint "agreement_partner_pkey" primary key ("id"));`);
    this.addSql(`create index "agreement_partner_institution_id_index" on "agreement_partner" ("institution_id");`);
    this.addSql(`alter table "agreement_partner" add constraint "agreement_partner_agreement_id_institution_id_unique" unique ("agreement_id", "institution_id");`);

    this.addSql(`alter table "association_membership" add constraint "association_membership_association_id_foreign" foreign key ("association_id") references "institution" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "membership_correspondence" add constraint "membership_correspondence_membership_id_foreign" foreign key ("membership_id") references "association_membership" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "contact_person" add constraint "contact_person_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_person" add constraint "contact_person_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "agreement" add constraint "agreement_home_unit_id_foreign" foreign key ("home_unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "cooperation_condition" add constraint "cooperation_condition_agreement_id_foreign" foreign key ("agreement_id") references "agreement" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "cooperation_condition" add constraint "cooperation_condition_sending_institution_id_foreign" foreign key ("sending_institution_id") references "institution" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "cooperation_condition" add constraint "cooperation_condition_sending_unit_id_foreign" foreign key ("sending_unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "cooperation_condition" add constraint "cooperation_condition_receiving_institution_id_foreign" foreign key ("receiving_institution_id") references "institution" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "cooperation_condition" add constraint "cooperation_condition_receiving_unit_id_foreign" foreign key ("receiving_unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "agreement_revision" add constraint "agreement_revision_agreement_id_foreign" foreign key ("agreement_id") references "agreement" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "agreement_partner" add constraint "agreement_partner_agreement_id_foreign" foreign key ("agreement_id") references "agreement" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "agreement_partner" add constraint "agreement_partner_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "agreement_partner" add constraint "agreement_partner_unit_id_foreign" foreign key ("unit_id") references "organisational_unit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "institution" add column "official_name" text not null default '', add column "other_names" text[] not null default '{}', add column "kind" text check ("kind" in ('HEI', 'COMPANY', 'ASSOCIATION', 'NATIONAL_AGENCY', 'MINISTRY', 'OTHER')) not null default 'HEI', add column "street" text null, add column "post_code" text null, add column "email_domains" text[] not null default '{}', add column "logo_url" text null, add column "pic" text null, add column "oid" text null, add column "eche_start" date null, add column "eche_end" date null, add column "internal_note" text null, add column "sources" text[] not null default '{}', add column "search_text" text not null default '';`);
    // Existing rows (the home institution) take their display name as the official name.
    this.addSql(`update "institution" set "official_name" = coalesce("name"->>'tr', "name"->>'en', '') where "official_name" = '';`);
    this.addSql(`alter table "institution" alter column "official_name" drop default;`);
    this.addSql(`alter table "institution" add constraint "institution_pic_unique" unique ("pic");`);
    this.addSql(`alter table "institution" add constraint "institution_oid_unique" unique ("oid");`);
    this.addSql(`create index "institution_email_domains_gin" on "institution" using gin ("email_domains");`);
    this.addSql(`create index "institution_search_trgm" on "institution" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "institution_country_city_index" on "institution" ("country", "city");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "membership_correspondence" drop constraint "membership_correspondence_membership_id_foreign";`);

    this.addSql(`alter table "cooperation_condition" drop constraint "cooperation_condition_agreement_id_foreign";`);

    this.addSql(`alter table "agreement_revision" drop constraint "agreement_revision_agreement_id_foreign";`);

    this.addSql(`alter table "agreement_partner" drop constraint "agreement_partner_agreement_id_foreign";`);

    this.addSql(`drop table if exists "association_membership" cascade;`);

    this.addSql(`drop table if exists "membership_correspondence" cascade;`);

    this.addSql(`drop table if exists "contact_person" cascade;`);

    this.addSql(`drop table if exists "agreement" cascade;`);

    this.addSql(`drop table if exists "cooperation_condition" cascade;`);

    this.addSql(`drop table if exists "agreement_revision" cascade;`);

    this.addSql(`drop table if exists "agreement_partner" cascade;`);

    this.addSql(`alter table "institution" drop constraint "institution_pic_unique";`);
    this.addSql(`alter table "institution" drop constraint "institution_oid_unique";`);
    this.addSql(`drop index "institution_email_domains_gin";`);
    this.addSql(`drop index "institution_search_trgm";`);
    this.addSql(`drop index "institution_country_city_index";`);
    this.addSql(`alter table "institution" drop column "official_name", drop column "other_names", drop column "kind", drop column "street", drop column "post_code", drop column "email_domains", drop column "logo_url", drop column "pic", drop column "oid", drop column "eche_start", drop column "eche_end", drop column "internal_note", drop column "sources", drop column "search_text";`);
  }

}
