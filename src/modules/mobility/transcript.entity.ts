import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { MobilityApplication } from './application.entity';

/** A grade of a scale with the share of passing students who get it (EGRACONS grade distribution), best grade first. */
export interface GradeShare {
  grade: string;
  /** Percent of passing grades awarded in the reference group; the shares of a scale add up to 100. */
  percent: number;
}

/**
 * How grades of a partner (or of a field at any partner) convert to the home scale: the two grade distributions
 * (EGRACONS-style), or, where no distribution is known, a direct grade-to-grade mapping.
 */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'grade_conversion_table' })
// One table per partner and field; "any partner" and "any field" (nulls) count as one value each.
@Unique({
  name: 'grade_conversion_table_scope_unique',
  expression: 'create unique index "grade_conversion_table_scope_unique" on "grade_conversion_table" ("partner_id", "isced_code") nulls not distinct',
})
export class GradeConversionTable extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  name!: string;

  /** Null: applies to any partner (a field table, or the default). */
  @ManyToOne(() => Institution, { ref: true, nullable: true, deleteRule: 'cascade' })
  partner?: Ref<Institution>;

  @Field(() => String, { nullable: true, description: 'ISCED-F code (2 or 4 digits) the table is for; null for every field.' })
  @Property({ type: 'text', nullable: true })
  iscedCode?: string;

  /** The host's passing grades, best first, with their distribution. */
  @Property({ type: 'json', default: '[]' })
  hostScale: GradeShare[] = [];

  /** The home passing grades (e.g. AA, BA, BB … DD), best first, with their distribution. */
  @Property({ type: 'json', default: '[]' })
  homeScale: GradeShare[] = [];

  /** Direct mapping host grade → home grade, used when given (overrides the distributions). */
  @Property({ type: 'json', default: '{}' })
  mapping: Record<string, string> = {};
}

/** One line of the host's transcript of records. */
@ObjectType('TranscriptEntry')
@Entity({ tableName: 'mobility_transcript_entry' })
@Index({ properties: ['application'] })
export class TranscriptEntry {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityApplication, { ref: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  /** The Table A component of the learning agreement this result is for, when known. */
  @Property({ type: 'text', nullable: true })
  componentId?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  courseCode?: string;

  @Field()
  @Property({ type: 'text' })
  courseTitle!: string;

  @Field(() => Float)
  @Property({ columnType: 'numeric(4,1)', type: 'double' })
  ects!: number;

  @Field({ description: 'The grade as the host gave it.' })
  @Property({ type: 'text' })
  hostGrade!: string;

  @Field()
  @Property({ type: 'boolean' })
  passed!: boolean;

  @Field(() => String, { nullable: true, description: 'The grade on the home scale, by the conversion table that applied.' })
  @Property({ type: 'text', nullable: true })
  homeGrade?: string;

  @ManyToOne(() => GradeConversionTable, { ref: true, nullable: true, deleteRule: 'set null' })
  conversionTable?: Ref<GradeConversionTable>;
}

export enum RecognitionOutcome {
  RECOGNISED = 'RECOGNISED',
  NOT_RECOGNISED = 'NOT_RECOGNISED',
}
registerEnumType(RecognitionOutcome, { name: 'RecognitionOutcome' });

/** The faculty board's decision on one Table B component: credits recognised at home and the grade written. */
@ObjectType('CourseRecognition')
@Entity({ tableName: 'mobility_course_recognition' })
@Unique({ properties: ['application', 'componentId'] })
export class CourseRecognition {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityApplication, { ref: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  /** The Table B component (id in the approved learning agreement). */
  @Property({ type: 'text' })
  componentId!: string;

  @Field(() => RecognitionOutcome)
  @Enum({ items: () => RecognitionOutcome })
  outcome!: RecognitionOutcome;

  @Field(() => Float)
  @Property({ columnType: 'numeric(4,1)', type: 'double', default: 0 })
  recognisedEcts: number = 0;

  @Field(() => String, { nullable: true, description: 'The home grade written for the course.' })
  @Property({ type: 'text', nullable: true })
  homeGrade?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string;

  @Property({ type: 'text', nullable: true })
  decidedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  decidedAt: Date = new Date();
}
