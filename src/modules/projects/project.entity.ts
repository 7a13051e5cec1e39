/**
 * The office's yearly cycle with the National Agency (Türkiye Ulusal Ajansı): the Agency's calls for proposals, the
 * faculties' and departments' quota requests, the proposal, the grant contract with its budget lines, supplementary
 * contracts (amendments), spending outside mobility grants, and the interim and final reports. Office data; the
 * mobilities and their grants stay in the mobility module and are read from there (by the contract number).
 */
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import type { ReportFiguresData } from './project-budget.rules';

export enum NaAction {
  KA121 = 'KA121',
  KA122 = 'KA122',
  KA131 = 'KA131',
  KA171 = 'KA171',
  KA210 = 'KA210',
  KA220 = 'KA220',
}
registerEnumType(NaAction, {
  name: 'NaAction',
  description:
    'Erasmus+ key action: KA121/KA122 accredited and short-term projects, KA131 higher education mobility (programme and associated countries), ' +
    'KA171 international mobility, KA210 small-scale and KA220 cooperation partnerships.',
});

@ObjectType('NaCallDocument', { description: 'A document of the call (guide, forms) by title and address.' })
export class NaCallDocumentData {
  @Field()
  title!: string;

  @Field()
  url!: string;
}

/** A National Agency call for proposals: one action, one call year, one deadline. */
@ObjectType({ implements: [Node, VersionedNode], description: 'A National Agency call for proposals (office; coordinators read).' })
@Entity({ tableName: 'na_call' })
@Index({ properties: ['deadline'] })
export class NaCall extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field(() => NaAction)
  @Enum({ items: () => NaAction })
  action!: NaAction;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field(() => Int, { description: 'The call year (the Agency’s “2026 call”).' })
  @Property({ type: 'integer' })
  year!: number;

  @Field({ description: 'Submission deadline (the Agency states it to the minute, Brussels time).' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  deadline!: Date;

  @Field(() => [NaCallDocumentData])
  @Property({ type: 'json', default: '[]' })
  documents: NaCallDocumentData[] = [];

  @Field(() => String, { nullable: true, description: 'The call’s page at the Agency.' })
  @Property({ type: 'text', nullable: true })
  link?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string;
}

export enum QuotaRequestStatus {
  SUBMITTED = 'SUBMITTED',
  INCLUDED = 'INCLUDED',
  DECLINED = 'DECLINED',
}
registerEnumType(QuotaRequestStatus, {
  name: 'QuotaRequestStatus',
  description: 'SUBMITTED by the unit or the office; INCLUDED in a proposal (includeQuotaRequests); DECLINED by the office.',
});

/** What a faculty or department asks for the coming year: mobilities of one activity type, with months or days. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'project_quota_request' })
@Unique({ properties: ['unit', 'academicYear', 'mobilityType'] })
@Index({ properties: ['academicYear', 'status'] })
export class QuotaRequest extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => OrganisationalUnit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<OrganisationalUnit>;

  @Field({ description: 'e.g. "2027/2028".' })
  @Property({ type: 'text' })
  academicYear!: string;

  @Field(() => MobilityType)
  @Enum({ items: () => MobilityType })
  mobilityType!: MobilityType;

  @Field(() => Int)
  @Property({ type: 'integer' })
  mobilities!: number;

  @Field(() => Int, { nullable: true, description: 'Total months (student mobility, SMS and SMT).' })
  @Property({ type: 'integer', nullable: true })
  months?: number;

  @Field(() => Int, { nullable: true, description: 'Total days (staff mobility, STA and STT).' })
  @Property({ type: 'integer', nullable: true })
  days?: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string;

  @Field(() => QuotaRequestStatus)
  @Enum({ items: () => QuotaRequestStatus, default: QuotaRequestStatus.SUBMITTED })
  status: QuotaRequestStatus = QuotaRequestStatus.SUBMITTED;

  /** The proposal it went into (includeQuotaRequests). */
  @ManyToOne(() => NaProposal, { ref: true, nullable: true, deleteRule: 'set null' })
  proposal?: Ref<NaProposal>;

  @Field(() => String, { nullable: true, description: 'Who entered it (the identity provider’s subject).' })
  @Property({ type: 'text', nullable: true })
  requestedBy?: string;
}

export enum ProposalStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(ProposalStatus, { name: 'NaProposalStatus', description: 'DRAFT → SUBMITTED → APPROVED or REJECTED (the Agency’s decision).' });

/** The university's application to a National Agency call: requested mobilities and budget per activity type. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'project_proposal' })
export class NaProposal extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => NaCall, { ref: true, deleteRule: 'restrict', unique: true })
  naCall!: Ref<NaCall>;

  @Field(() => ProposalStatus)
  @Enum({ items: () => ProposalStatus, default: ProposalStatus.DRAFT })
  status: ProposalStatus = ProposalStatus.DRAFT;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  submittedAt?: Date;

  @Field(() => String, { nullable: true, description: 'The Agency’s decision date (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  decisionDate?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  decisionNote?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string;

  /** Deadline reminders already sent for this proposal (DUE_IN_14). */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  remindedThresholds: string[] = [];
}

/** One activity type of a proposal. */
@ObjectType('NaProposalLine')
@Entity({ tableName: 'project_proposal_line' })
@Unique({ properties: ['proposal', 'mobilityType'] })
export class NaProposalLine {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => NaProposal, { ref: true, deleteRule: 'cascade' })
  proposal!: Ref<NaProposal>;

  @Field(() => MobilityType)
  @Enum({ items: () => MobilityType })
  mobilityType!: MobilityType;

  @Field(() => Int)
  @Property({ type: 'integer' })
  mobilities!: number;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  months?: number;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  days?: number;

  @Field(() => String, { nullable: true, description: 'Requested budget (euros, decimal string).' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  budget?: string;

  /** The units whose quota requests the figures come from. */
  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  unitIds: string[] = [];
}

export enum ContractStatus {
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}
registerEnumType(ContractStatus, { name: 'GrantContractStatus', description: 'ACTIVE while the project runs; CLOSED once the final report is accepted.' });

/** A grant agreement with the National Agency; its number is the one the mobility calls carry in grantContractNumber. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'project_grant_contract' })
export class GrantContract extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'The grant agreement number, e.g. 2025-1-TR01-KA131-HED-000123456.' })
  @Property({ type: 'text', unique: true })
  number!: string;

  @ManyToOne(() => NaProposal, { ref: true, nullable: true, deleteRule: 'restrict' })
  proposal?: Ref<NaProposal>;

  @ManyToOne(() => NaCall, { ref: true, nullable: true, deleteRule: 'restrict' })
  naCall?: Ref<NaCall>;

  @Field(() => NaAction)
  @Enum({ items: () => NaAction })
  action!: NaAction;

  @Field({ description: 'First day of the project period (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string' })
  periodStart!: string;

  @Field({ description: 'Last day of the project period (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string' })
  periodEnd!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  signedOn?: string;

  @Field(() => ContractStatus)
  @Enum({ items: () => ContractStatus, default: ContractStatus.ACTIVE })
  status: ContractStatus = ContractStatus.ACTIVE;

  @Field(() => Int, { description: 'A line is NEAR_LIMIT when its committed amount exceeds this percentage of the award (default 90).' })
  @Property({ type: 'smallint', default: 90 })
  nearLimitPercent: number = 90;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string;
}

export enum BudgetCategory {
  INDIVIDUAL_SUPPORT = 'INDIVIDUAL_SUPPORT',
  TRAVEL = 'TRAVEL',
  INCLUSION_SUPPORT = 'INCLUSION_SUPPORT',
  ORGANISATIONAL_SUPPORT = 'ORGANISATIONAL_SUPPORT',
  EXCEPTIONAL_COSTS = 'EXCEPTIONAL_COSTS',
}
registerEnumType(BudgetCategory, {
  name: 'BudgetCategory',
  description:
    'INDIVIDUAL_SUPPORT and TRAVEL are per activity type and follow the mobilities’ computed grants (individual support with its top-ups; travel); ' +
    'INCLUSION_SUPPORT, ORGANISATIONAL_SUPPORT and EXCEPTIONAL_COSTS are contract-wide and follow recorded spending.',
});

/** One budget line of a contract: what the Agency awarded (current figures; amendments change them). */
@ObjectType('GrantContractLine')
@Entity({ tableName: 'project_contract_line' })
@Unique({ properties: ['contract', 'code'] })
export class ContractLine {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => GrantContract, { ref: true, deleteRule: 'cascade' })
  contract!: Ref<GrantContract>;

  @Field({ description: 'SMS_INDIVIDUAL_SUPPORT, STA_TRAVEL, ORGANISATIONAL_SUPPORT, …' })
  @Property({ type: 'text' })
  code!: string;

  @Field(() => BudgetCategory)
  @Enum({ items: () => BudgetCategory })
  category!: BudgetCategory;

  @Field(() => MobilityType, { nullable: true })
  @Enum({ items: () => MobilityType, nullable: true })
  mobilityType?: MobilityType;

  @Field({ description: 'Awarded amount in euros (decimal string), as amended.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string' })
  awardedAmount!: string;

  @Field(() => Int, { nullable: true, description: 'Awarded mobilities (mobility lines), as amended.' })
  @Property({ type: 'integer', nullable: true })
  awardedMobilities?: number;
}

/** Money spent on a line that has no mobility grants (organisational support, inclusion support, exceptional costs). */
@ObjectType('GrantContractSpending')
@Entity({ tableName: 'project_contract_spending' })
@Index({ properties: ['line', 'spentOn'] })
export class ContractSpending {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ContractLine, { ref: true, deleteRule: 'cascade' })
  line!: Ref<ContractLine>;

  @Field({ description: 'Euros, decimal string.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string' })
  amount!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  spentOn!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string;

  @Property({ type: 'text', nullable: true })
  recordedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}

/** One line's change in an amendment: the figures before and after. */
@ObjectType('GrantContractAmendmentChange')
export class AmendmentChangeData {
  @Field()
  lineCode!: string;

  @Field(() => String, { nullable: true, description: 'Null when the amendment added the line.' })
  awardedAmountBefore!: string | null;

  @Field()
  awardedAmountAfter!: string;

  @Field(() => Int, { nullable: true })
  awardedMobilitiesBefore!: number | null;

  @Field(() => Int, { nullable: true })
  awardedMobilitiesAfter!: number | null;
}

/** A supplementary contract (ek sözleşme): recorded once, never changed. */
@ObjectType('GrantContractAmendment')
@Entity({ tableName: 'project_contract_amendment' })
@Unique({ properties: ['contract', 'number'] })
export class ContractAmendment {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => GrantContract, { ref: true, deleteRule: 'cascade' })
  contract!: Ref<GrantContract>;

  @Field({ description: 'The amendment’s number or reference (e.g. "Amendment 1").' })
  @Property({ type: 'text' })
  number!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  signedOn!: string;

  @Field()
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => [AmendmentChangeData])
  @Property({ type: 'json' })
  changes!: AmendmentChangeData[];

  @Property({ type: 'text', nullable: true })
  recordedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}

export enum ReportKind {
  INTERIM = 'INTERIM',
  FINAL = 'FINAL',
}
registerEnumType(ReportKind, { name: 'ContractReportKind' });

export enum ReportStatus {
  NOT_STARTED = 'NOT_STARTED',
  IN_PREPARATION = 'IN_PREPARATION',
  SUBMITTED = 'SUBMITTED',
  ACCEPTED = 'ACCEPTED',
}
registerEnumType(ReportStatus, {
  name: 'ContractReportStatus',
  description: 'NOT_STARTED → IN_PREPARATION → SUBMITTED → ACCEPTED, or back to IN_PREPARATION when the Agency asks for changes.',
});

/** The interim or final report of a contract to the National Agency. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'project_contract_report' })
@Unique({ properties: ['contract', 'kind'] })
@Index({ properties: ['status', 'dueOn'] })
export class ContractReport extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => GrantContract, { ref: true, deleteRule: 'cascade' })
  contract!: Ref<GrantContract>;

  @Field(() => ReportKind)
  @Enum({ items: () => ReportKind })
  kind!: ReportKind;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  dueOn!: string;

  @Field(() => ReportStatus)
  @Enum({ items: () => ReportStatus, default: ReportStatus.NOT_STARTED })
  status: ReportStatus = ReportStatus.NOT_STARTED;

  @Field(() => String, { nullable: true, description: 'The narrative part of the report.' })
  @Property({ type: 'text', nullable: true })
  narrative?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  submittedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  acceptedAt?: Date;

  @Field(() => String, { nullable: true, description: 'What the Agency asked to change (when sent back to IN_PREPARATION).' })
  @Property({ type: 'text', nullable: true })
  agencyNote?: string;

  /** The figures as sent (set on submission, cleared when the Agency sends the report back). */
  @Property({ type: 'json', nullable: true })
  snapshot?: ReportFiguresData | null;

  /** Deadline reminders already sent for the current due date (DUE_IN_30, DUE_IN_7, OVERDUE). */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  remindedThresholds: string[] = [];
}
