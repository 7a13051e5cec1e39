import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';

export enum AgreementKind {
  ERASMUS_IIA = 'ERASMUS_IIA',
  BILATERAL = 'BILATERAL',
  MEMORANDUM = 'MEMORANDUM',
  FARABI = 'FARABI',
  MEVLANA = 'MEVLANA',
}
registerEnumType(AgreementKind, {
  name: 'AgreementKind',
  description: 'Erasmus+ inter-institutional agreement, bilateral agreement, memorandum of understanding, Farabi protocol, Mevlana protocol.',
});

export enum AgreementStatus {
  DRAFT = 'DRAFT',
  IN_NEGOTIATION = 'IN_NEGOTIATION',
  SIGNED_BY_ONE = 'SIGNED_BY_ONE',
  IN_EFFECT = 'IN_EFFECT',
  EXPIRED = 'EXPIRED',
  TERMINATED = 'TERMINATED',
}
registerEnumType(AgreementStatus, { name: 'AgreementStatus' });

export enum MobilityType {
  SMS = 'SMS',
  SMT = 'SMT',
  STA = 'STA',
  STT = 'STT',
}
registerEnumType(MobilityType, {
  name: 'MobilityType',
  description: 'SMS student studies, SMT student traineeship, STA staff teaching, STT staff training.',
});

/** A cooperation agreement between the home institution (optionally one of its units) and one or more partners. */
@ObjectType({ implements: [Node, VersionedNode], description: 'A cooperation agreement (IIA, bilateral, MoU, Farabi or Mevlana protocol).' })
@Entity({ tableName: 'agreement' })
@Index({ properties: ['status', 'kind'] })
@Index({ properties: ['lastAcademicYear'] })
export class Agreement extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field(() => AgreementKind)
  @Enum({ items: () => AgreementKind })
  kind!: AgreementKind;

  @Field(() => AgreementStatus)
  @Enum({ items: () => AgreementStatus, default: AgreementStatus.DRAFT })
  status: AgreementStatus = AgreementStatus.DRAFT;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true, description: "The office's own reference number." })
  @Property({ type: 'text', nullable: true, unique: true })
  reference?: string;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  homeUnit?: Ref<OrganisationalUnit>;

  @Field({ description: 'First academic year covered, e.g. "2025/2026".' })
  @Property({ type: 'text' })
  firstAcademicYear!: string;

  @Field({ description: 'Last academic year covered.' })
  @Property({ type: 'text' })
  lastAcademicYear!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  homeSignatory?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  homeSignedOn?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  partnerSignatory?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  partnerSignedOn?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  terminatedOn?: string;

  @Field(() => String, { nullable: true, description: 'The IIA id in EWP (ours).' })
  @Property({ type: 'text', nullable: true, unique: true })
  ewpIiaId?: string;

  @Field(() => String, { nullable: true, description: "The partner's IIA id in EWP." })
  @Property({ type: 'text', nullable: true })
  ewpPartnerIiaId?: string;

  /** Office-internal notes. */
  @Property({ type: 'text', nullable: true })
  internalNote?: string;

  @OneToMany(() => AgreementPartner, (p) => p.agreement, { orphanRemoval: true })
  partners = new Collection<AgreementPartner>(this);

  @OneToMany(() => CooperationCondition, (c) => c.agreement, { orphanRemoval: true })
  conditions = new Collection<CooperationCondition>(this);
}

/** A partner institution of an agreement, optionally narrowed to one of its units. */
@ObjectType('AgreementParty', { description: 'A partner institution of an agreement (and optionally one of its units).' })
@Entity({ tableName: 'agreement_partner' })
@Unique({ properties: ['agreement', 'institution'] })
@Index({ properties: ['institution'] })
export class AgreementPartner {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Agreement, { ref: true, deleteRule: 'cascade' })
  agreement!: Ref<Agreement>;

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'restrict' })
  institution!: Ref<Institution>;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  unit?: Ref<OrganisationalUnit>;
}

@ObjectType()
export class SubjectArea {
  @Field({ description: 'ISCED-F 2013 code: 4-digit detailed field (2 or 3 digits for broader fields).' })
  isced!: string;

  @Field(() => String, { nullable: true })
  clarification?: string;
}

@ObjectType()
export class LanguageRequirement {
  @Field({ description: 'ISO 639-1.' })
  language!: string;

  @Field(() => String, { nullable: true, description: 'Recommended CEFR level, A1 to C2.' })
  cefr?: string;
}

/** One direction of cooperation (EWP IIA v7): who sends whom to whom, which years, how many, in which fields. */
@ObjectType({ description: 'One direction of cooperation: sending and receiving institution, years, quotas, fields, levels, languages.' })
@Entity({ tableName: 'cooperation_condition' })
@Index({ properties: ['agreement'] })
@Index({ name: 'cooperation_condition_isced_gin', expression: 'create index "cooperation_condition_isced_gin" on "cooperation_condition" using gin ("isced_codes")' })
export class CooperationCondition {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Agreement, { ref: true, deleteRule: 'cascade' })
  agreement!: Ref<Agreement>;

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'restrict' })
  sendingInstitution!: Ref<Institution>;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  sendingUnit?: Ref<OrganisationalUnit>;

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'restrict' })
  receivingInstitution!: Ref<Institution>;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  receivingUnit?: Ref<OrganisationalUnit>;

  @Field(() => MobilityType)
  @Enum({ items: () => MobilityType })
  mobilityType!: MobilityType;

  @Field()
  @Property({ type: 'text' })
  firstAcademicYear!: string;

  @Field()
  @Property({ type: 'text' })
  lastAcademicYear!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  mobilitiesPerYear!: number;

  /** Students: total months per year. */
  @Field(() => Float, { nullable: true, description: 'Students: total months per year.' })
  @Property({ columnType: 'numeric(6,1)', type: 'double', nullable: true })
  totalMonthsPerYear?: number;

  /** Staff: total days per year. */
  @Field(() => Int, { nullable: true, description: 'Staff: total days per year.' })
  @Property({ type: 'integer', nullable: true })
  totalDaysPerYear?: number;

  @Field(() => [SubjectArea])
  @Property({ type: 'json', default: '[]' })
  subjectAreas: SubjectArea[] = [];

  /** The ISCED codes of `subjectAreas`, for indexed filtering. */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  iscedCodes: string[] = [];

  @Field(() => [Int], { description: 'EQF levels: 5 short cycle, 6 bachelor, 7 master, 8 doctorate.' })
  @Property({ columnType: 'smallint[]', type: 'number[]', default: '{}' })
  eqfLevels: number[] = [];

  @Field(() => [LanguageRequirement])
  @Property({ type: 'json', default: '[]' })
  languages: LanguageRequirement[] = [];

  /** The ISO 639-1 codes of `languages`, for indexed filtering. */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  languageCodes: string[] = [];

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  blended: boolean = false;

  @Property({ type: 'integer', default: 0 })
  position: number = 0;
}

/** A snapshot of an agreement after each change: who, when, what changed. EWP keeps no history; the office needs it. */
@ObjectType('AgreementRevision', { description: 'The agreement as it was after one change.' })
@Entity({ tableName: 'agreement_revision' })
@Unique({ properties: ['agreement', 'version'] })
export class AgreementRevision {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Agreement, { ref: true, deleteRule: 'cascade' })
  agreement!: Ref<Agreement>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Subject of whoever made the change.' })
  @Property({ type: 'text', nullable: true })
  actor?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  @Property({ type: 'json' })
  snapshot!: Record<string, unknown>;

  /** Field paths changed since the previous revision, with old and new values. */
  @Property({ type: 'json', default: '[]' })
  changes: { path: string; from: unknown; to: unknown }[] = [];
}
