import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';

export enum MembershipStatus {
  APPLIED = 'APPLIED',
  ACTIVE = 'ACTIVE',
  LAPSED = 'LAPSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(MembershipStatus, { name: 'MembershipStatus' });

/** The university's membership of an international association or network (EUA, EAIE, ...). Office-only data. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'association_membership' })
@Index({ properties: ['renewalDate'] })
export class AssociationMembership extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'restrict', unique: true })
  association!: Ref<Institution>;

  @Field(() => MembershipStatus)
  @Enum({ items: () => MembershipStatus })
  status!: MembershipStatus;

  @Field(() => String, { nullable: true, description: 'Annual fee, as a decimal string.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  annualFee?: string;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the fee.' })
  @Property({ columnType: 'char(3)', type: 'string', nullable: true })
  feeCurrency?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  memberSince?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  renewalDate?: string;

  @Field(() => String, { nullable: true, description: 'Date by which the association expects our information updated.' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  infoUpdateDueOn?: string;

  @Field(() => String, { nullable: true, description: 'Who in the office is responsible.' })
  @Property({ type: 'text', nullable: true })
  responsibleContact?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string;
}

export enum CorrespondenceDirection {
  INCOMING = 'INCOMING',
  OUTGOING = 'OUTGOING',
}
registerEnumType(CorrespondenceDirection, { name: 'CorrespondenceDirection' });

/** One letter or e-mail exchanged with the association. */
@ObjectType()
@Entity({ tableName: 'membership_correspondence' })
@Index({ properties: ['membership', 'date'] })
export class MembershipCorrespondence {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => AssociationMembership, { ref: true, deleteRule: 'cascade' })
  membership!: Ref<AssociationMembership>;

  @Field({ description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  date!: string;

  @Field(() => CorrespondenceDirection)
  @Enum({ items: () => CorrespondenceDirection })
  direction!: CorrespondenceDirection;

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  body?: string;

  @Field(() => [String], { description: 'References to attached files.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  attachments: string[] = [];

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
