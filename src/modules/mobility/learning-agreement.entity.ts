import { Entity, Enum, Index, ManyToOne, OneToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { MobilityApplication } from './application.entity';

/** The three tables of the EWP learning agreement: A studied at the host, B recognised at home, C virtual components. */
export enum LaTable {
  A = 'A',
  B = 'B',
  C = 'C',
}
registerEnumType(LaTable, { name: 'LaTable', description: 'A: components studied at the host; B: recognised at home; C: virtual components.' });

/** EWP's reason codes for a component inserted or deleted by a change (the A2/B2/C2 tables). */
export enum LaChangeReason {
  NOT_AVAILABLE = 'NOT_AVAILABLE',
  LANGUAGE_MISMATCH = 'LANGUAGE_MISMATCH',
  TIMETABLE_CONFLICT = 'TIMETABLE_CONFLICT',
  SUBSTITUTING_DELETED = 'SUBSTITUTING_DELETED',
  EXTENDING_MOBILITY = 'EXTENDING_MOBILITY',
  ADDING_VIRTUAL_COMPONENT = 'ADDING_VIRTUAL_COMPONENT',
  OTHER = 'OTHER',
}
registerEnumType(LaChangeReason, {
  name: 'LaChangeReason',
  description:
    'EWP reason codes: deleted components NOT_AVAILABLE, LANGUAGE_MISMATCH, TIMETABLE_CONFLICT, OTHER; inserted components SUBSTITUTING_DELETED, EXTENDING_MOBILITY, ADDING_VIRTUAL_COMPONENT, OTHER.',
});

export enum LaVersionKind {
  FIRST_VERSION = 'FIRST_VERSION',
  CHANGE_PROPOSAL = 'CHANGE_PROPOSAL',
}
registerEnumType(LaVersionKind, { name: 'LaVersionKind' });

export enum LaVersionState {
  /** Waiting for signatures. */
  PROPOSED = 'PROPOSED',
  /** Signed by the student, the sending and the receiving institution. */
  APPROVED = 'APPROVED',
  /** A newer proposal replaced it before it was approved. */
  SUPERSEDED = 'SUPERSEDED',
  /** A party refused it (with a comment); the last approved version stays in force. */
  REJECTED = 'REJECTED',
}
registerEnumType(LaVersionState, { name: 'LaVersionState' });

/** One component (course, traineeship part or virtual component) of a learning agreement version. */
export interface LaComponentRow {
  /** Stable across versions: a change names the components it deletes by this id; recognition writes against it. */
  id: string;
  table: LaTable;
  code?: string | null;
  title: string;
  /** Term within the academic year, as EWP's term-id: e.g. 1 of 2 (autumn semester). */
  termNumber?: number | null;
  totalTerms?: number | null;
  ects: number;
  /** Table B: the home catalogue course recognised. */
  homeCourseId?: string | null;
  /** Table B: conditions of recognition; Table C: a short description. */
  note?: string | null;
}

/** One insertion or deletion of a change proposal, with its reason. */
export interface LaChangeRow {
  action: 'INSERTED' | 'DELETED';
  componentId: string;
  table: LaTable;
  reason: LaChangeReason;
  reasonText?: string | null;
}

export enum LaParty {
  STUDENT = 'STUDENT',
  SENDING = 'SENDING',
  RECEIVING = 'RECEIVING',
}
registerEnumType(LaParty, {
  name: 'LaParty',
  description: 'Who signs a learning agreement version: the student, the sending (home) institution, the receiving (host) institution.',
});

export interface LaSignatureRow {
  party: LaParty;
  signerName: string;
  signerPosition?: string | null;
  signerEmail?: string | null;
  /** ISO timestamp. */
  at: string;
  /** The application the signature was given in ("IRO Hub", or the partner's system for the receiving side). */
  signerApp?: string | null;
}

/** The learning agreement of one outgoing student mobility. Personal data: the student, coordinators, the office. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'learning_agreement' })
export class LearningAgreement extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @OneToOne(() => MobilityApplication, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  @Field(() => String, { nullable: true, description: 'Language of instruction the student is assessed in (ISO 639-1).' })
  @Property({ type: 'text', nullable: true })
  studentLanguage?: string;

  @Field(() => String, { nullable: true, description: 'CEFR level in that language (A1…C2).' })
  @Property({ type: 'text', nullable: true })
  studentCefrLevel?: string;

  /** The number of the approved version in force (null until the first version is approved). */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  approvedVersionNumber?: number;
}

/** One version of a learning agreement: the first version or a change proposal, with its signatures. Never deleted. */
@ObjectType('LearningAgreementVersion')
@Entity({ tableName: 'learning_agreement_version' })
@Unique({ properties: ['learningAgreement', 'number'] })
@Index({ properties: ['learningAgreement', 'state'] })
export class LearningAgreementVersion {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => LearningAgreement, { ref: true, deleteRule: 'cascade' })
  learningAgreement!: Ref<LearningAgreement>;

  @Field(() => Int, { description: '1 for the first version, then 2, 3… for each change proposal.' })
  @Property({ type: 'integer' })
  number!: number;

  @Field(() => LaVersionKind)
  @Enum({ items: () => LaVersionKind })
  kind!: LaVersionKind;

  @Field(() => LaVersionState)
  @Enum({ items: () => LaVersionState, default: LaVersionState.PROPOSED })
  state: LaVersionState = LaVersionState.PROPOSED;

  /** Every component in force once this version is approved (the first version's, or the previous approved list with this change applied). */
  @Property({ type: 'json', default: '[]' })
  components: LaComponentRow[] = [];

  /** A change proposal's insertions and deletions (empty for the first version). */
  @Property({ type: 'json', default: '[]' })
  changes: LaChangeRow[] = [];

  @Property({ type: 'json', default: '[]' })
  signatures: LaSignatureRow[] = [];

  @Field(() => LaParty, { nullable: true, description: 'The party that rejected the proposal.' })
  @Enum({ items: () => LaParty, nullable: true })
  rejectedBy?: LaParty;

  @Field(() => String, { nullable: true, description: 'Why that party rejected it.' })
  @Property({ type: 'text', nullable: true })
  rejectionComment?: string;

  @Property({ type: 'text', nullable: true })
  proposedBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  proposedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  decidedAt?: Date;
}
