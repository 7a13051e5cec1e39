import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'The answer to one of the event’s registration questions.' })
export class RegistrationAnswerInput {
  @Field({ description: 'The question’s key (Event.registrationQuestions.key).' })
  @Length(1, 100)
  key!: string;

  @Field(() => String, {
    nullable: true,
    description: 'TEXT: up to 2000 characters; CHOICE: one of the options; BOOLEAN: "true" or "false". Null or empty: not answered.',
  })
  @IsOptional()
  value?: string | null;
}

@InputType({ description: 'A registration to an event the office or a unit organises; no account needed.' })
export class RegisterForEventInput {
  @Field(() => ID)
  eventId!: string;

  @Field({ description: '1 to 200 characters.' })
  @MaxLength(200)
  name!: string;

  @Field({ description: 'At most 254 characters; one active registration per address and event (case and spaces ignored).' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { nullable: true, description: 'University, company or other affiliation; at most 300 characters.' })
  @IsOptional()
  @MaxLength(300)
  affiliation?: string | null;

  @Field(() => [RegistrationAnswerInput], { nullable: true, description: 'Answers to the event’s registration questions.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  answers?: RegistrationAnswerInput[];

  @Field({ description: 'Consent to the processing of the data given here; registration needs it.' })
  consent!: boolean;
}
