import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { Agreement, CooperationCondition, MobilityType } from '../agreements/agreement.entity';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { StudyLevel, type ApplicationDocumentRow } from '../mobility/application.entity';
import { HomeCourse } from '../mobility/course.entity';

export enum IncomingStatus {
  NOMINATED = 'NOMINATED',
  APPLIED = 'APPLIED',
  INFO_REQUESTED = 'INFO_REQUESTED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  ARRIVED = 'ARRIVED',
  DEPARTED = 'DEPARTED',
  COMPLETED = 'COMPLETED',
  WITHDRAWN = 'WITHDRAWN',
  CANCELLED = 'CANCELLED',
}
registerEnumType(IncomingStatus, {
  name: 'IncomingStatus',
  description:
    'nominated by the partner → applied by the nominee (or more information requested) → accepted / rejected by the office → arrived → departed (attendance confirmed) → completed (transcript or confirmation issued); withdrawn or cancelled.',
});

export enum AcademicTerm {
  FALL = 'FALL',
  SPRING = 'SPRING',
  FULL_YEAR = 'FULL_YEAR',
}
registerEnumType(AcademicTerm, { name: 'AcademicTerm', description: 'Güz (fall), bahar (spring) or the whole academic year.' });

export enum NominationSource {
  STAFF_ENTRY = 'STAFF_ENTRY',
  CSV = 'CSV',
  EWP = 'EWP',
}
registerEnumType(NominationSource, { name: 'NominationSource', description: 'How the partner’s nomination reached the office.' });

/** A way the nomination does not fit the agreement: flagged for the office, never silently accepted. */
export interface NominationIssueRow {
  code: string;
  message: string;
}

/**
 * An incoming exchange student or staff member, from the partner's nomination to the transcript or confirmation we
 * issue. Personal data: the nominee, the office and coordinators of the host unit (and the units above) only.
 */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'incoming_mobility' })
@Index({ properties: ['academicYear', 'status'] })
@Index({ properties: ['nomineeSubject'] })
@Index({ properties: ['hostUnit'] })
@Index({ properties: ['cooperationCondition'] })
export class IncomingMobility extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  /** e.g. 2027-IN-SMS-0004: runs per academic year and mobility type. */
  @Field()
  @Property({ type: 'text', unique: true })
  number!: string;

  @Field(() => IncomingStatus)
  @Enum({ items: () => IncomingStatus, default: IncomingStatus.NOMINATED })
  status: IncomingStatus = IncomingStatus.NOMINATED;

  @Field(() => MobilityType)
  @Enum({ items: () => MobilityType })
  mobilityType!: MobilityType;

  @Field(() => NominationSource)
  @Enum({ items: () => NominationSource })
  source!: NominationSource;

  /** The nominee's account once they claimed the nomination (or as the partner gave it). */
  @Property({ type: 'text', nullable: true })
  nomineeSubject?: string;

  /** Hash of the one-time code the nominee claims the nomination with (the code itself is shown once to the office). */
  @Property({ type: 'text', nullable: true })
  invitationCodeHash?: string;

  @Property({ type: 'text' })
  givenNames!: string;

  @Property({ type: 'text' })
  familyName!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  birthDate?: string;

  /** ISO 3166-1 alpha-2 citizenships. */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  citizenships: string[] = [];

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'restrict' })
  sendingInstitution!: Ref<Institution>;

  /** The partner's faculty or department, as the partner names it. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sendingUnitName?: string;

  @ManyToOne(() => Agreement, { ref: true, nullable: true, deleteRule: 'set null' })
  agreement?: Ref<Agreement>;

  /** The cooperation condition (partner → us) the nomination was matched to, when one fits. */
  @ManyToOne(() => CooperationCondition, { ref: true, nullable: true, deleteRule: 'set null' })
  cooperationCondition?: Ref<CooperationCondition>;

  /** Our faculty or department that hosts the nominee; its coordinators see the mobility. */
  @ManyToOne(() => OrganisationalUnit, { ref: true, deleteRule: 'restrict' })
  hostUnit!: Ref<OrganisationalUnit>;

  @Field()
  @Property({ type: 'text' })
  academicYear!: string;

  @Field(() => AcademicTerm)
  @Enum({ items: () => AcademicTerm })
  term!: AcademicTerm;

  @Field(() => StudyLevel, { nullable: true })
  @Enum({ items: () => StudyLevel, nullable: true })
  studyLevel?: StudyLevel;

  @Field(() => String, { nullable: true, description: 'ISCED-F field of the nominee’s studies or teaching.' })
  @Property({ type: 'text', nullable: true })
  iscedCode?: string;

  @Field(() => String, { nullable: true, description: 'Language of the mobility, ISO 639-1.' })
  @Property({ type: 'text', nullable: true })
  languageCode?: string;

  @Field(() => String, { nullable: true, description: 'The nominee’s CEFR level in that language.' })
  @Property({ type: 'text', nullable: true })
  languageLevel?: string;

  /** Mismatches found when the nomination was matched against the agreement. */
  @Property({ type: 'json', default: '[]' })
  nominationIssues: NominationIssueRow[] = [];

  /** The office accepted the nomination despite its issues (who and when). */
  @Property({ type: 'text', nullable: true })
  issuesAcknowledgedBy?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  issuesAcknowledgedAt?: Date;

  /** Why the office takes the nomination despite its issues. */
  @Property({ type: 'text', nullable: true })
  issuesAcknowledgementNote?: string;

  /** The day the partner nominated (EWP's nomination date; for staff entry and CSV, when given). */
  @Property({ columnType: 'date', type: 'string', nullable: true })
  nominatedOn?: string;

  // --- The nominee's application -------------------------------------------------------------------------------------

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  submittedAt?: Date;

  @Property({ type: 'json', default: '[]' })
  documents: ApplicationDocumentRow[] = [];

  @Property({ type: 'boolean', default: false })
  accommodationRequested: boolean = false;

  @Property({ type: 'text', nullable: true })
  accommodationNote?: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  plannedArrival?: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  plannedDeparture?: string;

  @Property({ type: 'text', nullable: true })
  arrivalNote?: string;

  // --- Decision ----------------------------------------------------------------------------------------------------

  /** What the office asked for (INFO_REQUESTED) or why it rejected. */
  @Property({ type: 'text', nullable: true })
  decisionNote?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  decidedAt?: Date;

  @Property({ type: 'text', nullable: true })
  decidedBy?: string;

  // --- Reception, stay and departure ---------------------------------------------------------------------------------

  @Property({ columnType: 'date', type: 'string', nullable: true })
  actualArrival?: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  actualDeparture?: string;

  /** The welcome day (a content event) the nominee is expected at. */
  @Property({ type: 'uuid', nullable: true })
  orientationEventId?: string;

  @Property({ type: 'text', nullable: true })
  buddyName?: string;

  @Property({ type: 'text', nullable: true })
  buddyEmail?: string;

  @Property({ type: 'boolean', default: false })
  residencePermitRequired: boolean = false;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  residencePermitDueOn?: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  residencePermitObtainedOn?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  attendanceConfirmedAt?: Date;

  @Property({ type: 'text', nullable: true })
  attendanceConfirmedBy?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  transcriptIssuedAt?: Date;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  transcriptSentToPartnerAt?: Date;

  // --- Staff visits --------------------------------------------------------------------------------------------------

  /** Teaching or training programme of a staff visit. */
  @Property({ type: 'text', nullable: true })
  visitProgramme?: string;

  @Property({ columnType: 'numeric(5,1)', type: 'double', nullable: true })
  teachingHours?: number;

  @Property({ type: 'text', nullable: true })
  officeNote?: string;
}

/** One step of an incoming mobility's history. */
@ObjectType('IncomingStatusChange')
@Entity({ tableName: 'incoming_status_change' })
@Index({ properties: ['mobility', 'at'] })
export class IncomingStatusChange {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => IncomingMobility, { ref: true, deleteRule: 'cascade' })
  mobility!: Ref<IncomingMobility>;

  @Field(() => IncomingStatus, { nullable: true })
  @Enum({ items: () => IncomingStatus, nullable: true })
  from?: IncomingStatus;

  @Field(() => IncomingStatus)
  @Enum({ items: () => IncomingStatus })
  to!: IncomingStatus;

  @Property({ type: 'text', nullable: true })
  actor?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  reason?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}

export enum CourseChoiceStatus {
  CHOSEN = 'CHOSEN',
  REGISTERED = 'REGISTERED',
  DROPPED = 'DROPPED',
}
registerEnumType(CourseChoiceStatus, { name: 'CourseChoiceStatus', description: 'Chosen in the application, registered on arrival, or dropped.' });

/** A course of our catalogue an incoming student takes: chosen, registered, then graded (a transcript line). */
@ObjectType('IncomingCourse')
@Entity({ tableName: 'incoming_course' })
@Unique({ properties: ['mobility', 'course'] })
export class IncomingCourse {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => IncomingMobility, { ref: true, deleteRule: 'cascade' })
  mobility!: Ref<IncomingMobility>;

  @ManyToOne(() => HomeCourse, { ref: true, deleteRule: 'restrict' })
  course!: Ref<HomeCourse>;

  @Field(() => CourseChoiceStatus)
  @Enum({ items: () => CourseChoiceStatus, default: CourseChoiceStatus.CHOSEN })
  status: CourseChoiceStatus = CourseChoiceStatus.CHOSEN;

  /** Our grade (home scale, e.g. AA…FF) once graded. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  grade?: string;

  /** ECTS credits earned (the course's credits when passed, 0 when failed). */
  @Field(() => Float, { nullable: true })
  @Property({ columnType: 'numeric(4,1)', type: 'double', nullable: true })
  ectsEarned?: number;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  gradedAt?: Date;
}

export enum HousingKind {
  DORMITORY = 'DORMITORY',
  PARTNER_HOUSING = 'PARTNER_HOUSING',
}
registerEnumType(HousingKind, { name: 'HousingKind', description: 'A university dormitory, or housing of a partner (private dormitory, foundation).' });

/** A room (or flat) the office can place incoming guests in, with its beds and the dates it is available. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'housing_room' })
@Unique({ properties: ['residence', 'code'] })
export class HousingRoom extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'The dormitory or housing, e.g. "Güzelyurt Yurdu".' })
  @Property({ type: 'text' })
  residence!: string;

  @Field(() => HousingKind)
  @Enum({ items: () => HousingKind })
  kind!: HousingKind;

  @Field({ description: 'Room code within the residence.' })
  @Property({ type: 'text' })
  code!: string;

  @Field({ description: 'Beds.' })
  @Property({ type: 'smallint' })
  capacity!: number;

  @Field(() => String, { nullable: true })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  availableFrom?: string;

  @Field(() => String, { nullable: true })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  availableUntil?: string;

  @Field()
  @Property({ type: 'boolean', default: true })
  active: boolean = true;
}

/** A bed of a room for an incoming guest, for a date range (both days included). */
@ObjectType('HousingAssignment')
@Entity({ tableName: 'housing_assignment' })
@Index({ properties: ['room', 'startsOn'] })
@Index({ properties: ['mobility'] })
export class HousingAssignment {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => HousingRoom, { ref: true, deleteRule: 'restrict' })
  room!: Ref<HousingRoom>;

  @ManyToOne(() => IncomingMobility, { ref: true, deleteRule: 'cascade' })
  mobility!: Ref<IncomingMobility>;

  @Field()
  @Property({ columnType: 'date', type: 'string' })
  startsOn!: string;

  @Field()
  @Property({ columnType: 'date', type: 'string' })
  endsOn!: string;

  /** Released assignments stay as history and no longer hold the bed. */
  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  releasedAt?: Date;
}

export enum LaDecision {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  COMMENTED = 'COMMENTED',
}
registerEnumType(LaDecision, { name: 'IncomingLaDecision', description: 'The receiving side’s answer to a proposal: approved, or commented (rejected with a comment), as in EWP.' });

/** One component the sending side proposes (Table A: a course of ours; Table C: a virtual component). */
export interface IncomingLaComponentRow {
  table: 'A' | 'C';
  courseId?: string;
  code?: string;
  title: string;
  ects: number;
  semester?: string;
}

/**
 * A learning agreement proposal of an incoming student, as the sending institution sends it (EWP: the sending HEI
 * proposes, the receiving HEI approves or comments). A new proposal supersedes a pending one.
 */
@ObjectType('IncomingLaProposal')
@Entity({ tableName: 'incoming_la_proposal' })
@Unique({ properties: ['mobility', 'revision'] })
export class IncomingLaProposal {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => IncomingMobility, { ref: true, deleteRule: 'cascade' })
  mobility!: Ref<IncomingMobility>;

  /** 1 for the first proposal, then each change proposal. */
  @Field()
  @Property({ type: 'smallint' })
  revision!: number;

  @Property({ type: 'json', default: '[]' })
  components: IncomingLaComponentRow[] = [];

  @Field(() => LaDecision)
  @Enum({ items: () => LaDecision, default: LaDecision.PENDING })
  decision: LaDecision = LaDecision.PENDING;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment?: string;

  /** Superseded by a later proposal before an answer. */
  @Field()
  @Property({ type: 'boolean', default: false })
  superseded: boolean = false;

  @Property({ type: 'text', nullable: true })
  signerName?: string;

  @Property({ type: 'text', nullable: true })
  signerPosition?: string;

  @Property({ type: 'text', nullable: true })
  signerSubject?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  answeredAt?: Date;

  /** Who entered the proposal: the nominee, or the office from the partner's message. */
  @Property({ type: 'text', nullable: true })
  proposedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  proposedAt: Date = new Date();
}

/**
 * Our factsheet's deadlines for incoming guests of an academic year and term (what partners read before nominating):
 * nominations and the nominee's application are refused after them. Data, changed every year by the office.
 */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'incoming_deadline' })
@Unique({ properties: ['academicYear', 'term'] })
export class IncomingDeadline extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  academicYear!: string;

  @Field(() => AcademicTerm)
  @Enum({ items: () => AcademicTerm })
  term!: AcademicTerm;

  @Field({ description: 'Last day partners may nominate (inclusive, Europe/Istanbul).' })
  @Property({ columnType: 'date', type: 'string' })
  nominationDeadline!: string;

  @Field({ description: 'Last day nominees may submit their application (inclusive).' })
  @Property({ columnType: 'date', type: 'string' })
  applicationDeadline!: string;
}
