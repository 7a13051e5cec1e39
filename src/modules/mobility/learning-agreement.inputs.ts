import { ArrayMaxSize, ArrayMinSize, IsEmail, IsIn, IsOptional, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../../platform/graphql/relay';
import { LaChangeReason, LaParty, LaTable } from './learning-agreement.entity';


export const MAX_COMPONENTS = 60;
const CEFR = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

@InputType()
export class LaComponentInput {
  @Field(() => LaTable)
  table!: LaTable;

  @Field(() => String, { nullable: true, description: 'The course code (at the host for Table A and C, at home for Table B).' })
  @IsOptional()
  @Length(1, 50)
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'Required, except in Table B with a homeCourseId (the catalogue’s title is taken).' })
  @IsOptional()
  @Length(1, 300)
  title?: string | null;

  @Field(() => Int, { nullable: true, description: 'Term within the academic year: 1 of 2 is the autumn semester. Required in Tables A and B.' })
  @IsOptional()
  @Min(1)
  @Max(4)
  termNumber?: number | null;

  @Field(() => Int, { nullable: true, description: 'Terms in the academic year: 2 for semesters, 3 for trimesters.' })
  @IsOptional()
  @Min(1)
  @Max(4)
  totalTerms?: number | null;

  @Field(() => Float, { description: 'ECTS credits (0 to 60).' })
  @Min(0)
  @Max(60)
  ects!: number;

  @Field(() => ID, { nullable: true, description: 'Table B: the active home catalogue course recognised.' })
  @IsOptional()
  homeCourseId?: string | null;

  @Field(() => String, { nullable: true, description: 'Table B: conditions of recognition; Table C: the short description (required).' })
  @IsOptional()
  @Length(1, 1000)
  note?: string | null;
}

@InputType()
export class ProposeLearningAgreementInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Int, { nullable: true, description: 'The learning agreement’s version read, when replacing a pending first version.' })
  @IsOptional()
  version?: number | null;

  @Field({ description: 'Main language of instruction at the host (ISO 639-1, e.g. "en").' })
  @Matches(/^[a-z]{2}$/, { message: 'studentLanguage must be an ISO 639-1 code in lower case (e.g. en)' })
  studentLanguage!: string;

  @Field({ description: 'The student’s CEFR level in it (A1…C2).' })
  @IsIn(CEFR, { message: `studentCefrLevel must be one of ${CEFR.join(', ')}` })
  studentCefrLevel!: string;

  @Field(() => [LaComponentInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_COMPONENTS)
  @ValidateNested({ each: true })
  components!: LaComponentInput[];
}

@InputType()
export class LaInsertInput extends LaComponentInput {
  @Field(() => LaChangeReason, { description: 'SUBSTITUTING_DELETED, EXTENDING_MOBILITY, ADDING_VIRTUAL_COMPONENT (Table C) or OTHER (with reasonText).' })
  reason!: LaChangeReason;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  reasonText?: string | null;
}

@InputType()
export class LaDeleteInput {
  @Field(() => ID, { description: 'The id of a component of the approved version.' })
  componentId!: string;

  @Field(() => LaChangeReason, { description: 'NOT_AVAILABLE, LANGUAGE_MISMATCH, TIMETABLE_CONFLICT or OTHER (with reasonText).' })
  reason!: LaChangeReason;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  reasonText?: string | null;
}

@InputType()
export class ProposeLearningAgreementChangeInput {
  @Field(() => ID)
  learningAgreementId!: string;

  @Field(() => Int, { description: 'The learning agreement’s version read.' })
  version!: number;

  @Field(() => [LaInsertInput], { defaultValue: [] })
  @ArrayMaxSize(MAX_COMPONENTS)
  @ValidateNested({ each: true })
  insert!: LaInsertInput[];

  @Field(() => [LaDeleteInput], { defaultValue: [] })
  @ArrayMaxSize(MAX_COMPONENTS)
  @ValidateNested({ each: true })
  delete!: LaDeleteInput[];
}

@InputType()
export class SignLearningAgreementInput {
  @Field(() => ID)
  learningAgreementId!: string;

  @Field(() => Int, { description: 'The number of the proposed version being signed.' })
  versionNumber!: number;

  @Field(() => LaParty)
  party!: LaParty;

  @Field(() => String, { nullable: true, description: 'Required for SENDING and RECEIVING; the student’s is taken from their account when left out.' })
  @IsOptional()
  @Length(1, 200)
  signerName?: string | null;

  @Field(() => String, { nullable: true, description: 'Required for SENDING and RECEIVING.' })
  @IsOptional()
  @Length(1, 200)
  signerPosition?: string | null;

  @Field(() => String, { nullable: true, description: 'Required for SENDING and RECEIVING.' })
  @IsOptional()
  @IsEmail({}, { message: 'signerEmail must be an email address' })
  @MaxLength(200)
  signerEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'The application the signature was given in; "IRO Hub" by default (the partner’s system for RECEIVING).' })
  @IsOptional()
  @Length(1, 100)
  signerApp?: string | null;
}

@InputType()
export class RejectLearningAgreementVersionInput {
  @Field(() => ID)
  learningAgreementId!: string;

  @Field(() => Int)
  versionNumber!: number;

  @Field(() => LaParty)
  party!: LaParty;

  @Field({ description: 'Why: the student and the other parties read it.' })
  @Length(1, 2000)
  comment!: string;
}

@ArgsType()
export class HomeCourseListArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Part of the code or the title, in either language; case, accents and Turkish letters folded.' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field(() => ID, { nullable: true, description: 'Courses of this unit or any unit below it.' })
  @IsOptional()
  unitId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Also courses a later import no longer lists.' })
  @IsOptional()
  includeInactive?: boolean;
}
