import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import type { Locale } from '../../platform/graphql/context';
import { Node } from '../../platform/graphql/relay';
import { CooperationCondition, MobilityType } from '../agreements/agreement.entity';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { MobilityCategory, MobilityProgramme } from './programme.entity';

export enum CallStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(CallStatus, { name: 'CallStatus', description: 'A draft call is office-only; a published one is public.' });

/** An announced application period of a programme, for one mobility type and academic year. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'mobility_call' })
@Index({ properties: ['academicYear', 'status'] })
export class MobilityCall extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => MobilityProgramme, { ref: true, deleteRule: 'restrict' })
  programme!: Ref<MobilityProgramme>;

  @Field(() => MobilityType)
  @Enum({ items: () => MobilityType })
  mobilityType!: MobilityType;

  @Field(() => MobilityCategory)
  @Enum({ items: () => MobilityCategory })
  category!: MobilityCategory;

  @Field({ description: 'e.g. "2026/2027".' })
  @Property({ type: 'text' })
  academicYear!: string;

  @Property({ type: 'json' })
  title!: Partial<Record<Locale, string>>;

  @Field(() => CallStatus)
  @Enum({ items: () => CallStatus, default: CallStatus.DRAFT })
  status: CallStatus = CallStatus.DRAFT;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz' })
  opensAt!: Date;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz' })
  closesAt!: Date;

  @Field(() => Date, { nullable: true, description: 'End of the appeal (itiraz) period after the results.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  appealEndsAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Until when a selected applicant may waive (feragat) without penalty.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  waiverDeadline?: Date;

  @Field(() => Int, { description: 'How many ranked preferences an application may list.' })
  @Property({ type: 'integer', default: 3 })
  maxPreferences: number = 3;

  @Field(() => Float, { nullable: true, description: "Raises the programme's GPA minimum for this call." })
  @Property({ columnType: 'numeric(3,2)', type: 'double', nullable: true })
  minGpa?: number;

  @Field(() => Float, { nullable: true, description: 'Minimum language score (out of 100).' })
  @Property({ columnType: 'numeric(5,2)', type: 'double', nullable: true })
  minLanguageScore?: number;

  @Field(() => [String], { description: 'Codes of the documents every application must carry (e.g. TRANSCRIPT, LANGUAGE_CERTIFICATE).' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  requiredDocuments: string[] = [];

  @Field({ description: 'A zero-grant (hibesiz) call: everyone selected goes without a grant.' })
  @Property({ type: 'boolean', default: false })
  zeroGrant: boolean = false;

  @Field(() => Int, { nullable: true, description: 'Reserve (yedek) list length per quota group; null: every unplaced eligible applicant.' })
  @Property({ type: 'integer', nullable: true })
  reserveListSize?: number;

  /** Numbers applications (`2026-KA131-SMS-0007`); incremented atomically. */
  @Property({ type: 'integer', default: 0 })
  applicationCount: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  evaluatedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  placementRunAt?: Date;

  @Field(() => Date, { nullable: true, description: 'When the anonymised results went public.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  resultsPublishedAt?: Date;

  /** The National Agency grant agreement the call's mobilities are paid from and reported under. Office-only. */
  @Property({ type: 'text', nullable: true })
  grantContractNumber?: string;
}

/** How many applicants a faculty or department (optionally one ISCED field of it) may send: its ranking group. */
@ObjectType({ description: 'Places of a faculty or department (optionally one ISCED field) in a call.' })
@Entity({ tableName: 'mobility_call_quota' })
@Unique({ properties: ['call', 'unit', 'isced'] })
export class CallQuota {
  @Field(() => String)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityCall, { ref: true, deleteRule: 'cascade' })
  call!: Ref<MobilityCall>;

  @ManyToOne(() => OrganisationalUnit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<OrganisationalUnit>;

  @Field(() => String, { nullable: true, description: 'ISCED-F code the quota is limited to, if any.' })
  @Property({ type: 'text', nullable: true })
  isced?: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  places!: number;

  @Field(() => Int, { nullable: true, description: 'Places with a grant; selections beyond them are zero-grant. Null: all.' })
  @Property({ type: 'integer', nullable: true })
  grantedPlaces?: number;
}

/** A destination applicants choose: one outgoing cooperation condition of an agreement in effect. */
@ObjectType({ implements: Node, description: "A destination of a call: a partner's places under one cooperation condition." })
@Entity({ tableName: 'mobility_call_place' })
@Unique({ properties: ['call', 'condition'] })
export class CallPlace extends Node {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => MobilityCall, { ref: true, deleteRule: 'cascade' })
  call!: Ref<MobilityCall>;

  @ManyToOne(() => CooperationCondition, { ref: true, nullable: true, deleteRule: 'set null' })
  condition?: Ref<CooperationCondition>;

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'restrict' })
  partner!: Ref<Institution>;

  @Field({ description: 'ISO 3166-1 alpha-2 of the destination.' })
  @Property({ columnType: 'char(2)', type: 'string' })
  country!: string;

  /** Only applicants of this unit (or below) may choose the place; null: anyone in the university. */
  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  sendingUnit?: Ref<OrganisationalUnit>;

  @Field(() => [String], { description: 'ISCED-F fields of the place.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  iscedCodes: string[] = [];

  @Field(() => [Int], { description: 'EQF levels the place is for (empty: any).' })
  @Property({ columnType: 'smallint[]', type: 'number[]', default: '{}' })
  eqfLevels: number[] = [];

  @Field(() => Int, { description: 'Mobilities this call may fill (the agreement’s mobilities per year, unless the office changed it).' })
  @Property({ type: 'integer' })
  capacity!: number;

  @Property({ type: 'integer', default: 0 })
  position: number = 0;
}
