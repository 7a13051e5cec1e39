import { Entity, Enum, Index, ManyToOne, OneToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { MobilityApplication } from './application.entity';
import type { GrantRates, GrantWorkingLine } from './grant.rules';
import { MobilityProgramme } from './programme.entity';

/** The grant rates of one programme for one call year: data the office enters each year (seeded for the demo). */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'grant_rate_table' })
@Unique({ properties: ['programme', 'academicYear'] })
export class GrantRateTable extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => MobilityProgramme, { ref: true, deleteRule: 'cascade' })
  programme!: Ref<MobilityProgramme>;

  @Field({ description: 'The academic year of the calls the rates apply to, e.g. "2024/2025".' })
  @Property({ type: 'text' })
  academicYear!: string;

  @Property({ type: 'json' })
  rates!: GrantRates;

  @Field(() => String, { nullable: true, description: 'Where the figures come from (e.g. the National Agency call of 2024).' })
  @Property({ type: 'text', nullable: true })
  source?: string;
}

export enum GrantBasis {
  PLANNED = 'PLANNED',
  ACTUAL = 'ACTUAL',
}
registerEnumType(GrantBasis, { name: 'GrantBasis', description: 'Computed from the planned dates, or recomputed from the confirmed actual dates.' });

/** The grant of one mobility: its inputs, the computed parts with their working, and the instalment plan. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'mobility_grant' })
export class MobilityGrant extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @OneToOne(() => MobilityApplication, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  @Field({ description: 'Fewer-opportunities participant: the top-up applies (and travel, where the rates say so).' })
  @Property({ type: 'boolean', default: false })
  fewerOpportunities: boolean = false;

  @Field({ description: 'Travels by low-emission means (train, bus, car-sharing): green travel amounts and top-up.' })
  @Property({ type: 'boolean', default: false })
  greenTravel: boolean = false;

  @Field(() => Int, { nullable: true, description: 'Distance home → host in km (EU distance calculator), for the travel band.' })
  @Property({ type: 'integer', nullable: true })
  distanceKm?: number;

  @Field(() => [Int], { description: 'Instalments in percent of the total, e.g. [80, 20]; the last is paid after the return documents.' })
  @Property({ columnType: 'smallint[]', type: 'number[]' })
  instalmentPlan: number[] = [80, 20];

  @Field(() => GrantBasis)
  @Enum({ items: () => GrantBasis, default: GrantBasis.PLANNED })
  basis: GrantBasis = GrantBasis.PLANNED;

  @Field({ description: 'Zero-grant (hibesiz) mobility: every amount is 0, the working still shown.' })
  @Property({ type: 'boolean', default: false })
  zeroGrant: boolean = false;

  @Field(() => String, { nullable: true, description: 'First day of the period the grant was computed for (YYYY-MM-DD; planned or actual, see basis).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  periodStart?: string;

  @Field(() => String, { nullable: true, description: 'Last day of the period the grant was computed for (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  periodEnd?: string;

  @Field(() => Int, { description: 'Calendar days of that period, first and last included.' })
  @Property({ type: 'integer', default: 0 })
  durationDays: number = 0;

  @Field(() => Int, { description: 'Full months of the duration (long mobility); 0 for daily-rate mobility.' })
  @Property({ type: 'integer', default: 0 })
  months: number = 0;

  @Field(() => Int, { description: 'Days beyond the full months (long mobility), or all days (daily-rate mobility).' })
  @Property({ type: 'integer', default: 0 })
  days: number = 0;

  @Field(() => Float)
  @Property({ columnType: 'numeric(10,2)', type: 'double', default: 0 })
  individualSupport: number = 0;

  @Field(() => Float)
  @Property({ columnType: 'numeric(10,2)', type: 'double', default: 0 })
  topUps: number = 0;

  @Field(() => Float)
  @Property({ columnType: 'numeric(10,2)', type: 'double', default: 0 })
  travel: number = 0;

  @Field(() => Float)
  @Property({ columnType: 'numeric(10,2)', type: 'double', default: 0 })
  total: number = 0;

  @Property({ type: 'json', default: '[]' })
  working: GrantWorkingLine[] = [];

  /** The rate table used (programme and year), for the record. */
  @ManyToOne(() => GrantRateTable, { ref: true, nullable: true, deleteRule: 'set null' })
  rateTable?: Ref<GrantRateTable>;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  computedAt?: Date;
}

/** A payment made on a grant: which instalment, how much, when. Recorded, never changed; a correction is a new row. */
@ObjectType('GrantPayment')
@Entity({ tableName: 'mobility_grant_payment' })
@Index({ properties: ['grant', 'paidOn'] })
export class GrantPayment {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityGrant, { ref: true, deleteRule: 'cascade' })
  grant!: Ref<MobilityGrant>;

  @Field(() => Int, { description: '1 for the first instalment.' })
  @Property({ type: 'smallint' })
  instalment!: number;

  @Field(() => Float, { description: 'Amount in euros; negative for a recovery.' })
  @Property({ columnType: 'numeric(10,2)', type: 'double' })
  amount!: number;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  paidOn!: string;

  @Field(() => String, { nullable: true, description: 'Bank or accounting reference.' })
  @Property({ type: 'text', nullable: true })
  reference?: string;

  @Property({ type: 'text', nullable: true })
  recordedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}
