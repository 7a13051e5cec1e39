import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { ContentItem } from './content.entity';

export enum ParticipationStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ParticipationStatus, { name: 'ParticipationStatus' });

export enum ParticipantRole {
  ACADEMIC_STAFF = 'ACADEMIC_STAFF',
  ADMINISTRATIVE_STAFF = 'ADMINISTRATIVE_STAFF',
  STUDENT = 'STUDENT',
}
registerEnumType(ParticipantRole, { name: 'ParticipantRole' });

/** A member of the university asking to attend a conference or seminar organised by others; the office decides. */
@ObjectType({ implements: [Node, VersionedNode], description: 'A request to attend an announced conference or seminar.' })
@Entity({ tableName: 'participation_request' })
@Index({ properties: ['content', 'status'] })
@Index({ properties: ['requesterSubject'] })
@Index({
  name: 'participation_request_open_unique',
  expression: `create unique index "participation_request_open_unique" on "participation_request" ("content_id", "requester_subject") where "status" in ('PENDING', 'APPROVED')`,
})
export class ParticipationRequest extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  /** The conference or seminar (an announcement of that kind, or an event). */
  @ManyToOne(() => ContentItem, { ref: true, deleteRule: 'cascade' })
  content!: Ref<ContentItem>;

  /** The requester's account subject (from their token). */
  @Property({ type: 'text' })
  requesterSubject!: string;

  @Field()
  @Property({ type: 'text' })
  requesterName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  requesterEmail?: string;

  @Field(() => ParticipantRole)
  @Enum({ items: () => ParticipantRole })
  role!: ParticipantRole;

  @Field()
  @Property({ type: 'text' })
  purpose!: string;

  @Field(() => String, { nullable: true, description: 'Funding asked, as a decimal string.' })
  @Property({ columnType: 'numeric(12,2)', type: 'string', nullable: true })
  fundingRequested?: string;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the funding asked.' })
  @Property({ columnType: 'char(3)', type: 'string', nullable: true })
  fundingCurrency?: string;

  @Field(() => ParticipationStatus)
  @Enum({ items: () => ParticipationStatus })
  status: ParticipationStatus = ParticipationStatus.PENDING;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  decidedBy?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  decidedAt?: Date;

  @Field(() => String, { nullable: true, description: 'The office’s reason or conditions.' })
  @Property({ type: 'text', nullable: true })
  decisionNote?: string;
}
