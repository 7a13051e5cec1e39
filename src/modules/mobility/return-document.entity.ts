import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { MobilityApplication } from './application.entity';

export enum ReturnDocumentKind {
  CERTIFICATE_OF_ATTENDANCE = 'CERTIFICATE_OF_ATTENDANCE',
  PARTICIPANT_REPORT = 'PARTICIPANT_REPORT',
  LANGUAGE_ASSESSMENT = 'LANGUAGE_ASSESSMENT',
  TRANSCRIPT_OF_RECORDS = 'TRANSCRIPT_OF_RECORDS',
  TRAINEESHIP_CERTIFICATE = 'TRAINEESHIP_CERTIFICATE',
}
registerEnumType(ReturnDocumentKind, {
  name: 'ReturnDocumentKind',
  description: 'Documents due after the mobility: the host’s certificate of attendance, the EU participant report, the language assessment, the transcript of records, the traineeship certificate.',
});

/** A document a mobility must hand in, its due date and when it arrived. Reminded when overdue. */
@ObjectType('ReturnDocument')
@Entity({ tableName: 'mobility_return_document' })
@Unique({ properties: ['application', 'kind'] })
@Index({ properties: ['dueOn'] })
export class ReturnDocument {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => MobilityApplication, { ref: true, deleteRule: 'cascade' })
  application!: Ref<MobilityApplication>;

  @Field(() => ReturnDocumentKind)
  @Enum({ items: () => ReturnDocumentKind })
  kind!: ReturnDocumentKind;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  dueOn?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  receivedAt?: Date;

  @Field(() => String, { nullable: true, description: 'A file or archive reference.' })
  @Property({ type: 'text', nullable: true })
  reference?: string;

  @Field(() => Date, { nullable: true, description: 'When the last overdue reminder went out.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastRemindedAt?: Date;
}
