import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import type { Locale } from '../../platform/graphql/context';
import { Node } from '../../platform/graphql/relay';
import { AgreementKind } from '../agreements/agreement.entity';
import type { RuleSet } from './selection.rules';

export enum MobilityProgrammeCode {
  ERASMUS_KA131 = 'ERASMUS_KA131',
  ERASMUS_KA171 = 'ERASMUS_KA171',
  MEVLANA = 'MEVLANA',
  FARABI = 'FARABI',
  BILATERAL = 'BILATERAL',
}
registerEnumType(MobilityProgrammeCode, {
  name: 'MobilityProgrammeCode',
  description: 'Erasmus+ KA131 (programme countries), KA171 (international), Mevlana, Farabi, bilateral exchange.',
});

/** Programmes whose earlier mobilities count together (the 12-month rule and the previous-mobility penalty). */
export enum ProgrammeFamily {
  ERASMUS = 'ERASMUS',
  MEVLANA = 'MEVLANA',
  FARABI = 'FARABI',
  BILATERAL = 'BILATERAL',
}
registerEnumType(ProgrammeFamily, { name: 'ProgrammeFamily' });

export enum MobilityCategory {
  STUDENT = 'STUDENT',
  STAFF = 'STAFF',
}
registerEnumType(MobilityCategory, { name: 'MobilityCategory', description: 'Student (SMS, SMT) or staff (STA, STT) mobility.' });

/** A mobility programme the office runs. Its rules live in `ProgrammeRuleSet`, one per academic year and category. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'mobility_programme' })
export class MobilityProgramme extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field(() => MobilityProgrammeCode)
  @Enum({ items: () => MobilityProgrammeCode, unique: true })
  code!: MobilityProgrammeCode;

  @Property({ type: 'json' })
  name!: Partial<Record<Locale, string>>;

  @Field(() => ProgrammeFamily)
  @Enum({ items: () => ProgrammeFamily })
  family!: ProgrammeFamily;

  /** Agreements whose cooperation conditions give this programme's places. */
  @Field(() => [AgreementKind])
  @Property({ columnType: 'text[]', type: 'string[]' })
  agreementKinds: AgreementKind[] = [];

  @Field(() => [String], { description: 'Destination countries the programme covers (ISO 3166-1 alpha-2); empty: any.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  countriesIncluded: string[] = [];

  @Field(() => [String], { description: 'Destination countries the programme leaves out (KA171: the programme countries KA131 covers).' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  countriesExcluded: string[] = [];

  @Field({ description: 'A disabled programme (Farabi while YÖK suspends it) takes no new calls or applications.' })
  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;

  @Field(() => String, { nullable: true, description: 'How grants are computed (e.g. monthly by destination country group).' })
  @Property({ type: 'text', nullable: true })
  grantBasis?: string;
}

/** The eligibility, score and bonus/penalty rules of a programme for one academic year and category: data staff edit. */
@ObjectType({ description: "A programme's selection rules for one academic year and category (student or staff)." })
@Entity({ tableName: 'programme_rule_set' })
@Unique({ properties: ['programme', 'academicYear', 'category'] })
export class ProgrammeRuleSet {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityProgramme, { ref: true, deleteRule: 'cascade' })
  programme!: Ref<MobilityProgramme>;

  @Field()
  @Property({ type: 'text' })
  academicYear!: string;

  @Field(() => MobilityCategory)
  @Enum({ items: () => MobilityCategory })
  category!: MobilityCategory;

  @Property({ type: 'json' })
  rules!: RuleSet;

  @Field(() => Int)
  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'text', nullable: true })
  updatedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
