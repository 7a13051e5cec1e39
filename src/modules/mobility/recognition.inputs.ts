import { ArrayMaxSize, IsOptional, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType } from 'type-graphql';
import { RecognitionOutcome } from './transcript.entity';

@InputType({ description: 'The decision on one Table B component of the learning agreement in force.' })
export class RecognitionDecisionInput {
  @Field({ description: 'The Table B component’s id in the learning agreement.' })
  @Length(1, 200)
  componentId!: string;

  @Field(() => RecognitionOutcome)
  outcome!: RecognitionOutcome;

  @Field(() => Float, { nullable: true, description: 'At most the component’s ECTS; RECOGNISED defaults to all of them, NOT_RECOGNISED carries none.' })
  @IsOptional()
  @Min(0)
  @Max(60)
  recognisedEcts?: number | null;

  @Field(() => String, { nullable: true, description: 'The home grade written for the course.' })
  @IsOptional()
  @Length(1, 20)
  homeGrade?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  note?: string | null;
}

@InputType({ description: 'Recognition decisions (added to or replacing earlier ones per component); complete: true closes the recognition.' })
export class RecordRecognitionInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => [RecognitionDecisionInput])
  @ValidateNested({ each: true })
  @ArrayMaxSize(80)
  decisions!: RecognitionDecisionInput[];

  @Field(() => Boolean, { nullable: true, description: 'Every Table B component decided and the mobility completed: it becomes RECOGNISED.' })
  @IsOptional()
  complete?: boolean | null;
}
