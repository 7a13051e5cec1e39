import { IsOptional, Length } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ReturnDocumentKind } from './return-document.entity';

// Dates are YYYY-MM-DD strings, checked by the service (INVALID_DATE naming the field, START_AFTER_END).

@InputType({ description: 'The planned first and last day at the host (both included).' })
export class SetMobilityDatesInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'YYYY-MM-DD' })
  @Length(1, 30)
  plannedStart!: string;

  @Field({ description: 'YYYY-MM-DD, not before plannedStart.' })
  @Length(1, 30)
  plannedEnd!: string;
}

@InputType({ description: 'The host confirmed the arrival: the mobility goes live.' })
export class ConfirmArrivalInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The actual first day (YYYY-MM-DD).' })
  @Length(1, 30)
  actualStart!: string;
}

@InputType({ description: 'The host’s certificate of attendance: the actual last day; the mobility is completed.' })
export class ConfirmDepartureInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The actual last day (YYYY-MM-DD) as the certificate states it.' })
  @Length(1, 30)
  actualEnd!: string;

  @Field({ description: 'The file or archive reference of the certificate of attendance.' })
  @Length(1, 500)
  certificateReference!: string;
}

@InputType()
export class RecordReturnDocumentInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => ReturnDocumentKind, { description: 'Students record their own PARTICIPANT_REPORT and LANGUAGE_ASSESSMENT; the office any.' })
  kind!: ReturnDocumentKind;

  @Field(() => String, { nullable: true, description: 'A file or archive reference.' })
  @IsOptional()
  @Length(1, 500)
  reference?: string | null;
}
