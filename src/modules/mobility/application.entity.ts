import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { CallPlace, MobilityCall } from './call.entity';
import type { EligibilityIssue, ScoreLine } from './selection.rules';

export enum ApplicationStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  ELIGIBLE = 'ELIGIBLE',
  INELIGIBLE = 'INELIGIBLE',
  SCORED = 'SCORED',
  SELECTED = 'SELECTED',
  RESERVE = 'RESERVE',
  NOT_SELECTED = 'NOT_SELECTED',
  WAIVED = 'WAIVED',
  WITHDRAWN = 'WITHDRAWN',
  NOMINATED = 'NOMINATED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  LIVE = 'LIVE',
  COMPLETED = 'COMPLETED',
  RECOGNISED = 'RECOGNISED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ApplicationStatus, {
  name: 'ApplicationStatus',
  description:
    'draft → submitted → eligible/ineligible → scored → selected (asil) / reserve (yedek) / not selected → waived or withdrawn → nominated to the host → accepted / rejected by the host; cancelled by the office.',
});

export enum StudyLevel {
  ASSOCIATE = 'ASSOCIATE',
  BACHELOR = 'BACHELOR',
  MASTER = 'MASTER',
  DOCTORATE = 'DOCTORATE',
}
registerEnumType(StudyLevel, { name: 'StudyLevel', description: 'Study cycle: ön lisans (EQF 5), lisans (6), yüksek lisans (7), doktora (8).' });

export const EQF_OF_LEVEL: Record<StudyLevel, number> = { ASSOCIATE: 5, BACHELOR: 6, MASTER: 7, DOCTORATE: 8 };

export interface DeclaredFactRow {
  code: string;
  evidence: string[];
}
export interface ApplicationDocumentRow {
  code: string;
  reference: string;
}

/** An applicant's application to a call. Personal data: the applicant, their coordinators and the office only. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'mobility_application' })
@Index({ properties: ['call', 'status'] })
@Index({ properties: ['applicantSubject'] })
@Index({ properties: ['placedAt'] })
@Unique({ properties: ['call', 'applicantSubject'] })
export class MobilityApplication extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'The application number, e.g. 2026-KA131-SMS-0007 (published with anonymised results).' })
  @Property({ type: 'text', unique: true })
  number!: string;

  @ManyToOne(() => MobilityCall, { ref: true, deleteRule: 'restrict' })
  call!: Ref<MobilityCall>;

  /** The identity provider's subject of the applicant. */
  @Property({ type: 'text' })
  applicantSubject!: string;

  /** The applicant's faculty or department at home: decides the quota group and the coordinators who see it. */
  @ManyToOne(() => OrganisationalUnit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<OrganisationalUnit>;

  @Field(() => ApplicationStatus)
  @Enum({ items: () => ApplicationStatus, default: ApplicationStatus.DRAFT })
  status: ApplicationStatus = ApplicationStatus.DRAFT;

  @Field(() => StudyLevel, { nullable: true, description: 'Students only.' })
  @Enum({ items: () => StudyLevel, nullable: true })
  studyLevel?: StudyLevel;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'smallint', nullable: true })
  yearOfStudy?: number;

  @Field(() => String, { nullable: true, description: "ISCED-F code of the applicant's field of study: matches quotas and places limited to a field." })
  @Property({ type: 'text', nullable: true })
  fieldOfStudy?: string;

  @Field(() => Float, { nullable: true, description: 'Grade point average out of 4.00.' })
  @Property({ columnType: 'numeric(3,2)', type: 'double', nullable: true })
  gpa?: number;

  @Field(() => String, { nullable: true, description: 'Which exam the language score is from (YDS, YÖKDİL, the university exam, TOEFL...).' })
  @Property({ type: 'text', nullable: true })
  languageExam?: string;

  @Field(() => Float, { nullable: true, description: 'Language score out of 100.' })
  @Property({ columnType: 'numeric(5,2)', type: 'double', nullable: true })
  languageScore?: number;

  @Field(() => [String], { description: 'ISO 3166-1 alpha-2 codes of the applicant’s citizenships.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  citizenships: string[] = [];

  @Field(() => Float, { nullable: true, description: 'Planned months abroad (students).' })
  @Property({ columnType: 'numeric(4,1)', type: 'double', nullable: true })
  plannedMonths?: number;

  @Field(() => Int, { nullable: true, description: 'Planned days abroad (staff).' })
  @Property({ type: 'integer', nullable: true })
  plannedDays?: number;

  @Field({ description: 'The applicant accepts a zero-grant (hibesiz) place if no granted one is left.' })
  @Property({ type: 'boolean', default: false })
  acceptsZeroGrant: boolean = false;

  @Property({ type: 'json', default: '[]' })
  declaredFacts: DeclaredFactRow[] = [];

  @Property({ type: 'json', default: '[]' })
  documents: ApplicationDocumentRow[] = [];

  /** Earlier mobilities of the same programme family in the same study cycle, counted from past records at evaluation. */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  previousMobilities?: number;

  @Property({ type: 'json', default: '[]' })
  eligibilityIssues: EligibilityIssue[] = [];

  @Field(() => Float, { nullable: true })
  @Property({ columnType: 'numeric(6,2)', type: 'double', nullable: true })
  score?: number;

  @Property({ type: 'json', default: '[]' })
  scoreBreakdown: ScoreLine[] = [];

  /** The tie-break inputs, kept with the score so that placement and promotion see what scoring saw. */
  @Property({ columnType: 'numeric(6,2)', type: 'double', nullable: true })
  academicPoints?: number;

  @Property({ columnType: 'numeric(6,2)', type: 'double', nullable: true })
  languagePoints?: number;

  @Field(() => Int, { nullable: true, description: 'Rank within its quota group.' })
  @Property({ type: 'integer', nullable: true })
  rank?: number;

  @Field(() => Int, { nullable: true, description: 'Position on the reserve (yedek) list of its group.' })
  @Property({ type: 'integer', nullable: true })
  reserveRank?: number;

  @ManyToOne(() => CallPlace, { ref: true, nullable: true, deleteRule: 'set null' })
  placedAt?: Ref<CallPlace>;

  @Field({ description: 'Selected without a grant (hibesiz).' })
  @Property({ type: 'boolean', default: false })
  zeroGrant: boolean = false;

  /** Withdrew after selection, outside the waiver period, without force majeure: a penalty on later applications. */
  @Property({ type: 'boolean', default: false })
  penalisedWithdrawal: boolean = false;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  submittedAt?: Date;

  @Property({ type: 'text', nullable: true })
  officeNote?: string;

  // The mobility itself (from nomination on). Dates are calendar days at the host, first and last day included.

  @Field(() => String, { nullable: true, description: 'Planned first day at the host (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  plannedStart?: string;

  @Field(() => String, { nullable: true, description: 'Planned last day at the host (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  plannedEnd?: string;

  @Field(() => String, { nullable: true, description: 'Actual first day, as the host confirmed it on arrival.' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  actualStart?: string;

  @Field(() => String, { nullable: true, description: 'Actual last day, as the certificate of attendance states it.' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  actualEnd?: string;

  /** When the host's certificate of attendance confirming the actual dates was recorded, and by whom (office staff). */
  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  attendanceConfirmedAt?: Date;

  @Property({ type: 'text', nullable: true })
  attendanceConfirmedBy?: string;
}

@ObjectType('ApplicationPreference', { description: 'A ranked destination choice.' })
@Entity({ tableName: 'mobility_application_preference' })
@Unique({ properties: ['application', 'rank'] })
@Unique({ properties: ['application', 'place'] })
@Index({ properties: ['place'] })
export class ApplicationPreference {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityApplication, { ref: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  @Field(() => Int, { description: '1 is the first choice.' })
  @Property({ type: 'smallint' })
  rank!: number;

  @ManyToOne(() => CallPlace, { ref: true, deleteRule: 'cascade' })
  place!: Ref<CallPlace>;
}

/** One status transition: from, to, who, when, why. The application's history; never changed afterwards. */
@ObjectType('ApplicationStatusChange', { description: 'One step of an application: from, to, who, when and why.' })
@Entity({ tableName: 'mobility_application_status_change' })
@Index({ properties: ['application', 'at'] })
export class ApplicationStatusChange {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityApplication, { ref: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  @Field(() => ApplicationStatus, { nullable: true, description: 'Null for the creation.' })
  @Enum({ items: () => ApplicationStatus, nullable: true })
  from?: ApplicationStatus;

  @Field(() => ApplicationStatus)
  @Enum({ items: () => ApplicationStatus })
  to!: ApplicationStatus;

  @Property({ type: 'text', nullable: true })
  actor?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  reason?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}
