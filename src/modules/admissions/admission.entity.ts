import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import type { Locale } from '../../platform/graphql/context';
import { Node } from '../../platform/graphql/relay';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';

// --- Exams ----------------------------------------------------------------------------------------------------------------

export enum AdmissionExamKind {
  ENTRANCE = 'ENTRANCE',
  LANGUAGE = 'LANGUAGE',
}
registerEnumType(AdmissionExamKind, {
  name: 'AdmissionExamKind',
  description: 'ENTRANCE: an exam or diploma applicants are ranked by (YÖS, SAT, ACT, IB, Abitur…); LANGUAGE: a proficiency certificate (TOEFL, IELTS, TÖMER…).',
});

/** One point of an exam's conversion table: a raw score and the comparable score (0–100) it converts to. */
export interface ConversionPointRow {
  score: number;
  converted: number;
}

/**
 * An admission exam (or national diploma, or language certificate) with its scale and its conversion to one
 * comparable score out of 100. Data the office edits every year, never code.
 */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'admission_exam' })
export class AdmissionExam extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'e.g. YOS, SAT, ACT, IB, ABITUR, TOEFL_IBT.' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Property({ type: 'json' })
  name!: Partial<Record<Locale, string>>;

  @Field(() => AdmissionExamKind)
  @Enum({ items: () => AdmissionExamKind })
  kind!: AdmissionExamKind;

  @Field(() => String, { nullable: true, description: 'LANGUAGE certificates: the language they certify (ISO 639-1, e.g. en, tr).' })
  @Property({ type: 'text', nullable: true })
  language?: string;

  @Field(() => Float, { description: 'The lowest score of the scale.' })
  @Property({ columnType: 'numeric(8,2)', type: 'double' })
  scaleMin!: number;

  @Field(() => Float, { description: 'The highest score of the scale.' })
  @Property({ columnType: 'numeric(8,2)', type: 'double' })
  scaleMax!: number;

  @Field({ description: 'False for scales where lower is better (the German Abitur: 1.0 best, 4.0 worst).' })
  @Property({ type: 'boolean', default: true })
  higherIsBetter: boolean = true;

  /** Breakpoints of a piecewise-linear conversion (empty: linear over the whole scale). */
  @Property({ type: 'json', default: '[]' })
  conversionTable: ConversionPointRow[] = [];

  @Field({ description: 'Inactive exams are kept for old applications but cannot be accepted by new calls.' })
  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string;
}

// --- Calls ----------------------------------------------------------------------------------------------------------------

export enum AdmissionCallStatus {
  DRAFT = 'DRAFT',
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
  RESULTS_PUBLISHED = 'RESULTS_PUBLISHED',
}
registerEnumType(AdmissionCallStatus, {
  name: 'AdmissionCallStatus',
  description: 'DRAFT (office only) → OPEN (published; takes applications within its window) → CLOSED → RESULTS_PUBLISHED.',
});

/** An exam a call accepts, with the minimum on the exam's own scale ("at least as good as"). */
export interface AcceptedExamRow {
  examCode: string;
  minimumScore: number;
}

/** International (degree-seeking) admission to one programme of study of a home department, for one academic year. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'admission_call' })
@Index({ properties: ['academicYear', 'status'] })
@Index({ properties: ['unit'] })
export class AdmissionCall extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'e.g. "2026/2027".' })
  @Property({ type: 'text' })
  academicYear!: string;

  /** The home department (or faculty) offering the programme: decides the coordinators who see its applications. */
  @ManyToOne(() => OrganisationalUnit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<OrganisationalUnit>;

  @Property({ type: 'json' })
  programmeName!: Partial<Record<Locale, string>>;

  @Field(() => AdmissionCallStatus)
  @Enum({ items: () => AdmissionCallStatus, default: AdmissionCallStatus.DRAFT })
  status: AdmissionCallStatus = AdmissionCallStatus.DRAFT;

  @Field(() => Int, { description: 'Places: admitted and conditionally admitted applicants count against it.' })
  @Property({ type: 'integer' })
  quota!: number;

  @Field({ description: 'Language of instruction (ISO 639-1, e.g. tr, en).' })
  @Property({ type: 'text' })
  languageOfInstruction!: string;

  @Field(() => [String], { description: 'Codes of the documents every application carries (PASSPORT, DIPLOMA, TRANSCRIPT, …).' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  requiredDocuments: string[] = [];

  @Property({ type: 'json', default: '[]' })
  acceptedExams: AcceptedExamRow[] = [];

  /** Certificates proving proficiency in the language of instruction, with their minimums (empty: not assessed). */
  @Property({ type: 'json', default: '[]' })
  languageCertificates: AcceptedExamRow[] = [];

  @Field({ description: 'Applicants without proof of language proficiency are admitted conditionally, with a preparation year.' })
  @Property({ type: 'boolean', default: false })
  preparationYear: boolean = false;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz' })
  opensAt!: Date;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz' })
  closesAt!: Date;

  @Field({ description: 'Admitted applicants enrol by then; places freed before it go to the waitlist.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  enrolmentDeadline!: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  closedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  evaluatedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  resultsPublishedAt?: Date;

  /** Incremented for every application (numbering runs per academic year across calls). */
  @Property({ type: 'integer', default: 0 })
  applicationCount: number = 0;
}

// --- Applications ----------------------------------------------------------------------------------------------------------

export enum AdmissionStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  INCOMPLETE = 'INCOMPLETE',
  DOCUMENTS_VERIFIED = 'DOCUMENTS_VERIFIED',
  ADMITTED = 'ADMITTED',
  CONDITIONALLY_ADMITTED = 'CONDITIONALLY_ADMITTED',
  WAITLISTED = 'WAITLISTED',
  REJECTED = 'REJECTED',
  ENROLLED = 'ENROLLED',
  DECLINED = 'DECLINED',
  WITHDRAWN = 'WITHDRAWN',
  CANCELLED = 'CANCELLED',
}
registerEnumType(AdmissionStatus, {
  name: 'AdmissionStatus',
  description:
    'draft → submitted → documents verified or incomplete (fix and resubmit while the call is open) → admitted / conditionally admitted (preparation year) / waitlisted / rejected → enrolled or declined; withdrawn by the applicant; cancelled by the office.',
});

export enum AdmissionDocumentStatus {
  MISSING = 'MISSING',
  PENDING = 'PENDING',
  VERIFIED = 'VERIFIED',
  REJECTED = 'REJECTED',
}
registerEnumType(AdmissionDocumentStatus, {
  name: 'AdmissionDocumentStatus',
  description: 'MISSING (not given yet), PENDING (given, not checked), VERIFIED or REJECTED (with a note) by the office.',
});

export interface AdmissionDocumentRow {
  code: string;
  reference: string;
  status: 'PENDING' | 'VERIFIED' | 'REJECTED';
  note?: string;
  checkedBy?: string;
  checkedAt?: string;
}

/** How the comparable score was computed at evaluation: kept with the application so that anyone may check it. */
export interface ScoreComputationRow {
  examCode: string;
  rawScore: number;
  scaleMin: number;
  scaleMax: number;
  higherIsBetter: boolean;
  method: 'LINEAR' | 'TABLE';
  exactScore: number;
  convertedScore: number;
  minimumScore: number;
  meetsMinimum: boolean;
}

/** An international applicant's application to an admission call. Personal data: the applicant, coordinators of the programme's unit, the office. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'admission_application' })
@Index({ properties: ['call', 'status'] })
@Index({ properties: ['applicantSubject'] })
@Unique({ properties: ['call', 'applicantSubject'] })
export class AdmissionApplication extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'e.g. 2026-INT-00042 (published with the anonymised results).' })
  @Property({ type: 'text', unique: true })
  number!: string;

  @ManyToOne(() => AdmissionCall, { ref: true, deleteRule: 'restrict' })
  call!: Ref<AdmissionCall>;

  /** The identity provider's subject of the applicant. */
  @Property({ type: 'text' })
  applicantSubject!: string;

  @Field(() => AdmissionStatus)
  @Enum({ items: () => AdmissionStatus, default: AdmissionStatus.DRAFT })
  status: AdmissionStatus = AdmissionStatus.DRAFT;

  @Field()
  @Property({ type: 'text' })
  givenName!: string;

  @Field()
  @Property({ type: 'text' })
  familyName!: string;

  @Field({ description: 'ISO 3166-1 alpha-2.' })
  @Property({ columnType: 'char(2)', type: 'string' })
  nationality!: string;

  @Field({ description: 'ISO 3166-1 alpha-2.' })
  @Property({ columnType: 'char(2)', type: 'string' })
  countryOfResidence!: string;

  @Field()
  @Property({ type: 'text' })
  email!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  birthDate!: string;

  @Field(() => String, { nullable: true, description: 'The entrance exam (or diploma) the applicant is ranked by.' })
  @Property({ type: 'text', nullable: true })
  examCode?: string;

  @Field(() => Float, { nullable: true, description: "On the exam's own scale." })
  @Property({ columnType: 'numeric(8,2)', type: 'double', nullable: true })
  examScore?: number;

  @Field(() => String, { nullable: true, description: 'Language certificate (null: none).' })
  @Property({ type: 'text', nullable: true })
  languageCertificateCode?: string;

  @Field(() => Float, { nullable: true })
  @Property({ columnType: 'numeric(8,2)', type: 'double', nullable: true })
  languageCertificateScore?: number;

  @Property({ type: 'json', default: '[]' })
  documents: AdmissionDocumentRow[] = [];

  @Field(() => Float, { nullable: true, description: 'The comparable score out of 100 (at evaluation).' })
  @Property({ columnType: 'numeric(6,2)', type: 'double', nullable: true })
  convertedScore?: number;

  @Property({ type: 'json', nullable: true })
  scoreComputation?: ScoreComputationRow;

  @Field(() => Boolean, { nullable: true, description: 'Proof of proficiency in the language of instruction (at evaluation).' })
  @Property({ type: 'boolean', nullable: true })
  languageProficient?: boolean;

  @Field(() => Int, { nullable: true, description: 'Position in the ranking of the call (applicants meeting the minimums).' })
  @Property({ type: 'integer', nullable: true })
  rank?: number;

  @Field(() => Int, { nullable: true, description: 'Position on the waitlist as evaluated (promotion follows it).' })
  @Property({ type: 'integer', nullable: true })
  waitlistRank?: number;

  @Field(() => String, { nullable: true, description: 'Why the evaluation rejected it: BELOW_MINIMUM, LANGUAGE_PROFICIENCY_MISSING, DOCUMENTS_INCOMPLETE.' })
  @Property({ type: 'text', nullable: true })
  decisionReason?: string;

  @Field(() => Date, { nullable: true, description: 'The last (complete) submission.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  submittedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  enrolledAt?: Date;
}

/** One status step: from, to, who, when, why. Never changed afterwards. */
@ObjectType('AdmissionStatusChange', { description: 'One step of an admission application: from, to, who, when and why.' })
@Entity({ tableName: 'admission_status_change' })
@Index({ properties: ['application', 'at'] })
export class AdmissionStatusChange {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => AdmissionApplication, { ref: true, deleteRule: 'cascade' })
  application!: Ref<AdmissionApplication>;

  @Field(() => AdmissionStatus, { nullable: true, description: 'Null for the creation.' })
  @Enum({ items: () => AdmissionStatus, nullable: true })
  from?: AdmissionStatus;

  @Field(() => AdmissionStatus)
  @Enum({ items: () => AdmissionStatus })
  to!: AdmissionStatus;

  @Property({ type: 'text', nullable: true })
  actor?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  reason?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}
