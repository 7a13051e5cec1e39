import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../platform/graphql/relay';
import { ContentItem } from './content.entity';

export enum RegistrationStatus {
  REGISTERED = 'REGISTERED',
  WAITLISTED = 'WAITLISTED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(RegistrationStatus, {
  name: 'RegistrationStatus',
  valuesConfig: {
    REGISTERED: { description: 'Has a place.' },
    WAITLISTED: { description: 'On the waiting list; moves up when someone registered cancels.' },
    CANCELLED: { description: 'Cancelled (by the participant, with the cancellation token, or by the office).' },
  },
});

/** Someone's registration to an office event. Personal data: the office reads it, the participant only through their token. */
@ObjectType({ implements: Node, description: 'A registration to an event (personal data: office only).' })
@Entity({ tableName: 'event_registration' })
@Index({ properties: ['event', 'status', 'registeredAt'] })
@Index({
  name: 'event_registration_active_email_unique',
  expression: `create unique index "event_registration_active_email_unique" on "event_registration" ("event_id", "email_normalised") where "status" <> 'CANCELLED'`,
})
export class EventRegistration extends Node {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => ContentItem, { ref: true, deleteRule: 'cascade' })
  event!: Ref<ContentItem>;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field()
  @Property({ type: 'text' })
  email!: string;

  /** Lower-cased, trimmed: one active registration per address and event. */
  @Property({ type: 'text' })
  emailNormalised!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  affiliation?: string;

  /** Answers to the event's registration questions, by question key. */
  @Property({ type: 'json', default: '{}' })
  answers: Record<string, string | boolean> = {};

  @Field({ description: 'When the participant consented to the processing of their data.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  consentAt!: Date;

  @Field(() => RegistrationStatus)
  @Enum({ items: () => RegistrationStatus })
  status!: RegistrationStatus;

  /** SHA-256 of the cancellation token; the token itself is shown once, to the participant. */
  @Property({ type: 'text', unique: true })
  cancelTokenHash!: string;

  @Property({ columnType: 'char(2)', type: 'string', default: 'tr' })
  locale = 'tr';

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  registeredAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When the participant moved up from the waiting list.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  promotedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  cancelledAt?: Date;
}
