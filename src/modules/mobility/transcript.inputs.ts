import { ArrayMaxSize, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

/** One grade of a scale and the share of passing students who get it (what staff read is what they send back). */
@ObjectType('GradeShare', { description: 'A passing grade and the percentage of passing students who get it (EGRACONS distribution).' })
@InputType('GradeShareInput')
export class GradeShareType {
  @Field()
  @Length(1, 20)
  grade!: string;

  @Field(() => Float, { description: 'Percent of passing grades; a scale’s shares add up to 100 (±0.5 for rounding).' })
  @Min(0)
  @Max(100)
  percent!: number;
}

@ObjectType('GradeMapping', { description: 'A direct conversion of one host grade; wins over the distributions.' })
@InputType('GradeMappingInput')
export class GradeMappingType {
  @Field()
  @Length(1, 20)
  hostGrade!: string;

  @Field()
  @Length(1, 20)
  homeGrade!: string;
}

@InputType({
  description:
    'Creates a conversion table (without id) or replaces one (with id and version). Scope: partnerId and/or iscedCode; neither is the default table.',
})
export class SetGradeConversionTableInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  id?: string | null;

  @Field(() => Int, { nullable: true, description: 'The version read, when replacing a table.' })
  @IsOptional()
  version?: number | null;

  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The partner institution; null for every partner.' })
  @IsOptional()
  partnerId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISCED-F code (2 to 4 digits); null for every field.' })
  @IsOptional()
  @Matches(/^\d{2,4}$/, { message: 'iscedCode must be an ISCED-F code of 2 to 4 digits' })
  iscedCode?: string | null;

  @Field(() => [GradeShareType], { description: 'The host’s passing grades, best first.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(40)
  hostScale!: GradeShareType[];

  @Field(() => [GradeShareType], { description: 'The home passing grades (AA … DD), best first.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(40)
  homeScale!: GradeShareType[];

  @Field(() => [GradeMappingType], { nullable: true })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(80)
  mapping?: GradeMappingType[] | null;
}

@InputType({ description: 'One line of the host’s transcript of records.' })
export class TranscriptEntryInput {
  @Field(() => String, { nullable: true, description: 'The Table A component of the learning agreement in force this result is for.' })
  @IsOptional()
  @Length(1, 200)
  componentId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  courseCode?: string | null;

  @Field()
  @Length(1, 300)
  courseTitle!: string;

  @Field(() => Float)
  @Min(0.5)
  @Max(60)
  ects!: number;

  @Field({ description: 'The grade as the host gave it.' })
  @Length(1, 20)
  hostGrade!: string;

  @Field()
  passed!: boolean;
}

@InputType({ description: 'The host’s transcript: replaces the lines recorded before; passing grades are converted to the home scale.' })
export class RecordTranscriptInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => [TranscriptEntryInput])
  @ValidateNested({ each: true })
  @ArrayMaxSize(80)
  entries!: TranscriptEntryInput[];
}
