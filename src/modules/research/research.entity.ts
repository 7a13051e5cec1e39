import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import type { Locale } from '../../platform/graphql/context';
import { Node } from '../../platform/graphql/relay';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';

type Localised = Partial<Record<Locale, string>>;

// --- Enums ------------------------------------------------------------------------------------------------------------------

export enum ResearchProgramme {
  HORIZON_EUROPE = 'HORIZON_EUROPE',
  ERC = 'ERC',
  MSCA = 'MSCA',
  EIC = 'EIC',
  DIGITAL_EUROPE = 'DIGITAL_EUROPE',
  LIFE = 'LIFE',
  COST = 'COST',
  EURATOM = 'EURATOM',
  OTHER = 'OTHER',
}
registerEnumType(ResearchProgramme, {
  name: 'ResearchProgramme',
  description: 'EU research and innovation funding programmes the office follows (Horizon Europe pillars ERC, MSCA and EIC are listed on their own).',
});

export enum ResearchCallStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  CLOSED = 'CLOSED',
}
registerEnumType(ResearchCallStatus, {
  name: 'ResearchCallStatus',
  description: 'DRAFT (office only) → PUBLISHED (public; subscribers told) → CLOSED (by hand, or by the daily job after the last deadline).',
});

export enum ResearchRole {
  COORDINATOR = 'COORDINATOR',
  PARTNER = 'PARTNER',
  ASSOCIATED_PARTNER = 'ASSOCIATED_PARTNER',
  SOLE_BENEFICIARY = 'SOLE_BENEFICIARY',
  HOST_INSTITUTION = 'HOST_INSTITUTION',
}
registerEnumType(ResearchRole, {
  name: 'ResearchRole',
  description: 'A participant’s role in a proposal or project (HOST_INSTITUTION: the host of an ERC or MSCA fellow).',
});

export enum ResearchSupportKind {
  PARTNER_SEARCH = 'PARTNER_SEARCH',
  BUDGET = 'BUDGET',
  WRITING_REVIEW = 'WRITING_REVIEW',
  ETHICS = 'ETHICS',
  OPEN_SCIENCE = 'OPEN_SCIENCE',
  OTHER = 'OTHER',
}
registerEnumType(ResearchSupportKind, { name: 'ResearchSupportKind', description: 'The help a researcher asks the office for.' });

export enum ResearchSupportStatus {
  SUBMITTED = 'SUBMITTED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  DECLINED = 'DECLINED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ResearchSupportStatus, {
  name: 'ResearchSupportStatus',
  description: 'SUBMITTED → IN_PROGRESS (assigned to a staff member) → COMPLETED, or DECLINED by the office (with a reason), or WITHDRAWN by the researcher.',
});

// --- Calls -----------------------------------------------------------------------------------------------------------------

/** A funding call (or a topic of a work programme) the office follows and tells researchers about. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'research_call' })
@Index({ properties: ['status', 'closesAt'] })
@Index({ name: 'research_call_fields_gin', expression: 'create index "research_call_fields_gin" on "research_call" using gin ("fields")' })
export class ResearchCall extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field(() => ResearchProgramme)
  @Enum({ items: () => ResearchProgramme })
  programme!: ResearchProgramme;

  @Property({ type: 'json' })
  title!: Localised;

  @Property({ type: 'json', default: '{}' })
  description: Localised = {};

  @Field(() => [String], { description: 'Topic identifiers of the work programme, e.g. HORIZON-CL5-2027-D3-01-05.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  topicIds: string[] = [];

  @Field(() => ResearchCallStatus)
  @Enum({ items: () => ResearchCallStatus, default: ResearchCallStatus.DRAFT })
  status: ResearchCallStatus = ResearchCallStatus.DRAFT;

  @Field({ description: 'When the call opens for submissions.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  opensAt!: Date;

  @Field({ description: 'The deadline of a single-stage call, or of the first stage of a two-stage call.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  deadline!: Date;

  @Field(() => Date, { nullable: true, description: 'Two-stage calls: the second-stage deadline.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  secondStageDeadline?: Date;

  /** The last deadline (second stage, else the only one): lists sort by it and the close job reads it. */
  @Field({ description: 'The last deadline: the call closes then.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  closesAt!: Date;

  @Field(() => String, { nullable: true, description: 'Total budget of the call (decimal string).' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  budgetTotal?: string;

  @Field(() => String, { nullable: true, description: 'Expected EU contribution per project, lower end.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  budgetPerProjectMin?: string;

  @Field(() => String, { nullable: true, description: 'Expected EU contribution per project, upper end.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  budgetPerProjectMax?: string;

  @Field({ description: 'ISO 4217 currency of the amounts.' })
  @Property({ columnType: 'char(3)', type: 'string', default: 'EUR' })
  currency: string = 'EUR';

  @Field(() => [String], { description: 'Links: the Funding & Tenders portal topic page, the work programme, guides.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  links: string[] = [];

  @Field(() => [String], { description: 'ISCED-F codes (2–4 digits) or lower-case keywords; subscriptions match on them.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  fields: string[] = [];

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  closedAt?: Date;

  /** The website announcement made by announceResearchCall (the content module's item id). */
  @Property({ type: 'uuid', nullable: true, unique: true })
  contentId?: string;

  @Property({ type: 'text', nullable: true })
  createdBy?: string;
}

/** A person's standing request to be told of new calls in their fields (one per person). */
@ObjectType({ implements: [Node, VersionedNode], description: 'Your subscription to new research calls, by field and programme.' })
@Entity({ tableName: 'research_call_subscription' })
export class ResearchCallSubscription extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  subject!: string;

  @Field(() => [String], { description: 'ISCED-F codes (a broad field `06` hears `0613`) or keywords; empty: every field.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  fields: string[] = [];

  @Field(() => [ResearchProgramme], { description: 'Empty: every programme.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  programmes: ResearchProgramme[] = [];
}

// --- Support requests --------------------------------------------------------------------------------------------------

/** A researcher's request for the office's help with a proposal. Personal: the researcher, the office, coordinators of the unit. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'research_support_request' })
@Index({ properties: ['researcherSubject'] })
@Index({ properties: ['status', 'deadline'] })
@Index({ properties: ['unit'] })
export class ResearchSupportRequest extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Property({ type: 'text' })
  researcherSubject!: string;

  @Field()
  @Property({ type: 'text' })
  researcherName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  researcherEmail?: string;

  /** The researcher's home unit, when given: its coordinators read the request. */
  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  unit?: Ref<OrganisationalUnit>;

  @ManyToOne(() => ResearchCall, { ref: true, nullable: true, deleteRule: 'restrict' })
  call?: Ref<ResearchCall>;

  @Field(() => String, { nullable: true, description: 'A call the office does not follow: its title or topic identifier.' })
  @Property({ type: 'text', nullable: true })
  externalCall?: string;

  @Field(() => String, { nullable: true, description: 'The proposal’s working title or acronym.' })
  @Property({ type: 'text', nullable: true })
  proposalTitle?: string;

  @Field(() => String, { nullable: true, description: 'Partners sought, in words.' })
  @Property({ type: 'text', nullable: true })
  partnersSought?: string;

  /** Institutions of the directory the researcher would like as partners. */
  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  partnerInstitutionIds: string[] = [];

  @Field(() => ResearchRole, { description: 'The university’s intended role.' })
  @Enum({ items: () => ResearchRole })
  role!: ResearchRole;

  @Field(() => [ResearchSupportKind])
  @Property({ columnType: 'text[]', type: 'string[]' })
  helpNeeded!: ResearchSupportKind[];

  @Field({ description: 'The proposal’s submission deadline.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  deadline!: Date;

  @Field()
  @Property({ type: 'text' })
  description!: string;

  @Field(() => ResearchSupportStatus)
  @Enum({ items: () => ResearchSupportStatus, default: ResearchSupportStatus.SUBMITTED })
  status: ResearchSupportStatus = ResearchSupportStatus.SUBMITTED;

  /** The staff member (subject) handling it. */
  @Property({ type: 'text', nullable: true })
  assignedTo?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  assignedAt?: Date;

  @Field(() => String, { nullable: true, description: 'Why the office declined it.' })
  @Property({ type: 'text', nullable: true })
  declineReason?: string;

  @Field(() => Date, { nullable: true, description: 'When it was completed, declined or withdrawn.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  closedAt?: Date;
}

/** A note on a support request: internal (office only) or a message the researcher reads. Never changed afterwards. */
@ObjectType('ResearchSupportNote', { description: 'A note on a support request: an internal office note, or a message between the office and the researcher.' })
@Entity({ tableName: 'research_support_note' })
@Index({ properties: ['request', 'at'] })
export class ResearchSupportNote {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ResearchSupportRequest, { ref: true, deleteRule: 'cascade' })
  request!: Ref<ResearchSupportRequest>;

  @Field({ description: 'True: office only, never shown to the researcher.' })
  @Property({ type: 'boolean' })
  internal!: boolean;

  @Property({ type: 'text' })
  author!: string;

  @Field({ description: 'True when the office wrote it.' })
  @Property({ type: 'boolean' })
  byOffice!: boolean;

  @Field()
  @Property({ type: 'text' })
  body!: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}

// --- Projects ------------------------------------------------------------------------------------------------------------

export interface ProjectPartnerRow {
  institutionId: string;
  role: ResearchRole;
  coordinator: boolean;
}

/** A funded project that came out of a proposal: the office's record; the PI reads their own. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'research_project' })
@Index({ properties: ['piSubject'] })
@Index({ properties: ['publicListing', 'startDate'] })
export class ResearchProject extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  acronym!: string;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field({ description: 'The grant agreement number (unique).' })
  @Property({ type: 'text', unique: true })
  grantAgreementNumber!: string;

  @Field(() => ResearchProgramme)
  @Enum({ items: () => ResearchProgramme })
  programme!: ResearchProgramme;

  @ManyToOne(() => ResearchCall, { ref: true, nullable: true, deleteRule: 'restrict' })
  call?: Ref<ResearchCall>;

  @Field(() => String, { nullable: true, description: 'The topic identifier, for calls the office did not follow (or to name the topic of a followed one).' })
  @Property({ type: 'text', nullable: true })
  topicId?: string;

  @Field(() => ResearchRole, { description: 'The university’s role.' })
  @Enum({ items: () => ResearchRole })
  ourRole!: ResearchRole;

  @Property({ type: 'json', default: '[]' })
  partners: ProjectPartnerRow[] = [];

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  startDate!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  endDate!: string;

  @Field(() => String, { nullable: true, description: 'Total budget of the project (decimal string).' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  budgetTotal?: string;

  @Field(() => String, { nullable: true, description: 'The university’s share.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  ourShare?: string;

  @Field()
  @Property({ columnType: 'char(3)', type: 'string', default: 'EUR' })
  currency: string = 'EUR';

  @Property({ type: 'text' })
  piSubject!: string;

  @Field({ description: 'The principal investigator at the university.' })
  @Property({ type: 'text' })
  piName!: string;

  @ManyToOne(() => ResearchSupportRequest, { ref: true, nullable: true, deleteRule: 'set null', unique: true })
  supportRequest?: Ref<ResearchSupportRequest>;

  @Field({ description: 'Listed on the website (acronym, title, programme, dates and partner names only).' })
  @Property({ type: 'boolean', default: false })
  publicListing: boolean = false;
}
