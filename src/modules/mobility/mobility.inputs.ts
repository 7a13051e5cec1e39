import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';
import { ConnectionArgs } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { ACADEMIC_YEAR, YEAR_MESSAGE } from '../agreements/agreement.inputs';
import { ApplicationStatus, StudyLevel } from './application.entity';
import { CallStatus } from './call.entity';
import { MobilityCategory } from './programme.entity';

const COUNTRY = /^[A-Z]{2}$/;
const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const CODE_MESSAGE = '$property must be an upper-case code (A-Z, 0-9, _), e.g. LANGUAGE_CERTIFICATE';
export const MAX_PREFERENCES_LIMIT = 10;

// --- Rules: one class is both the output and the input shape, so that what staff read is what they send back. ------

@ObjectType('LevelMinimum')
@InputType('LevelMinimumInput')
export class LevelMinimum {
  @Field(() => StudyLevel)
  level!: StudyLevel;

  @Field(() => Float, { description: 'Minimum GPA out of 4.00.' })
  @Min(0)
  @Max(4)
  gpa!: number;
}

@ObjectType('EligibilityRules')
@InputType('EligibilityRulesInput')
export class EligibilityRules {
  @Field(() => [LevelMinimum])
  @ValidateNested({ each: true })
  @ArrayMaxSize(4)
  minGpa!: LevelMinimum[];

  @Field(() => Float, { nullable: true, description: 'Months of mobility of the programme family allowed per study cycle (Erasmus+: 12).' })
  @IsOptional()
  @Min(1)
  @Max(60)
  maxMonthsPerCycle?: number | null;

  @Field({ description: 'Mevlana: no destination in a country of the applicant’s citizenship.' })
  forbidCitizenshipDestination!: boolean;

  @Field(() => Int, { nullable: true, description: 'Farabi: not first-year students.' })
  @IsOptional()
  @Min(1)
  @Max(8)
  minYearOfStudy?: number | null;
}

@ObjectType('ScoreComponent')
@InputType('ScoreComponentInput')
export class ScoreComponent {
  @Field({ description: 'ACADEMIC (GPA through the 4→100 table) or LANGUAGE (score out of 100).' })
  @IsIn(['ACADEMIC', 'LANGUAGE'])
  criterion!: 'ACADEMIC' | 'LANGUAGE';

  @Field(() => Float)
  @Min(0)
  @Max(1)
  weight!: number;
}

@ObjectType('GpaPoint')
@InputType('GpaPointInput')
export class GpaPoint {
  @Field(() => Float)
  @Min(0)
  @Max(4)
  gpa!: number;

  @Field(() => Float)
  @Min(0)
  @Max(100)
  points!: number;
}

@ObjectType('ScoreRules')
@InputType('ScoreRulesInput')
export class ScoreRules {
  @Field(() => [ScoreComponent])
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  components!: ScoreComponent[];

  @Field(() => [GpaPoint], { description: "YÖK's 4→100 conversion: ascending breakpoints, linear between them." })
  @ValidateNested({ each: true })
  @ArrayMaxSize(500)
  gpaTable!: GpaPoint[];
}

@ObjectType('DeclarableFact')
@InputType('DeclarableFactInput')
export class DeclarableFact {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => Float, { description: 'Bonus (positive) or penalty (negative) points.' })
  @Min(-100)
  @Max(100)
  points!: number;

  @Field(() => LocalisedText)
  @ValidateNested()
  label!: LocalisedText;

  @Field()
  evidenceRequired!: boolean;
}

@ObjectType('AutomaticCriterionRule')
@InputType('AutomaticCriterionRuleInput')
export class AutomaticCriterionRule {
  @Field({
    description:
      'PREVIOUS_MOBILITY (per earlier mobility), FIRST_MOBILITY, CITIZENSHIP_DESTINATION, WITHDREW_AFTER_SELECTION (per withdrawal), SECOND_MOBILITY_TYPE.',
  })
  @IsIn(['PREVIOUS_MOBILITY', 'FIRST_MOBILITY', 'CITIZENSHIP_DESTINATION', 'WITHDREW_AFTER_SELECTION', 'SECOND_MOBILITY_TYPE'])
  criterion!: 'PREVIOUS_MOBILITY' | 'FIRST_MOBILITY' | 'CITIZENSHIP_DESTINATION' | 'WITHDREW_AFTER_SELECTION' | 'SECOND_MOBILITY_TYPE';

  @Field(() => Float)
  @Min(-100)
  @Max(100)
  points!: number;

  @Field(() => LocalisedText)
  @ValidateNested()
  label!: LocalisedText;
}

@ObjectType('SelectionRules', { description: 'Eligibility, score formula and bonus/penalty points: data, changed every year.' })
@InputType('SelectionRulesInput')
export class SelectionRules {
  @Field(() => EligibilityRules)
  @ValidateNested()
  eligibility!: EligibilityRules;

  @Field(() => ScoreRules)
  @ValidateNested()
  score!: ScoreRules;

  @Field(() => [DeclarableFact])
  @ValidateNested({ each: true })
  @ArrayMaxSize(30)
  declarableFacts!: DeclarableFact[];

  @Field(() => [AutomaticCriterionRule])
  @ValidateNested({ each: true })
  @ArrayMaxSize(10)
  automatic!: AutomaticCriterionRule[];
}

@InputType()
export class SetProgrammeRulesInput {
  @Field(() => ID)
  programmeId!: string;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => MobilityCategory)
  category!: MobilityCategory;

  @Field(() => Int, { nullable: true, description: 'The version read, when changing existing rules.' })
  @IsOptional()
  version?: number;

  @Field(() => SelectionRules)
  @ValidateNested()
  rules!: SelectionRules;
}

@InputType()
export class UpdateProgrammeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  enabled?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  grantBasis?: string | null;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  name?: LocalisedText;
}

// --- Calls -------------------------------------------------------------------------------------------------------------

/** The settings a call is created with and that the office may change later (null clears an optional one). */
@InputType()
abstract class CallSettings {
  @Field(() => Date, { nullable: true })
  @IsOptional()
  appealEndsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  waiverDeadline?: Date | null;

  @Field(() => Int, { nullable: true, description: 'How many ranked preferences an application may list (3 unless set when the call is created).' })
  @IsOptional()
  @Min(1)
  @Max(MAX_PREFERENCES_LIMIT)
  maxPreferences?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(4)
  minGpa?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  minLanguageScore?: number | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(CODE, { each: true, message: CODE_MESSAGE })
  requiredDocuments?: string[];

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  zeroGrant?: boolean;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(1000)
  reserveListSize?: number | null;

  @Field(() => String, { nullable: true, description: 'The National Agency grant agreement number the mobilities are paid from (e.g. 2026-1-TR01-KA131-HED-000123456).' })
  @IsOptional()
  @Length(1, 60)
  grantContractNumber?: string | null;
}

@InputType()
export class CreateMobilityCallInput extends CallSettings {
  @Field(() => ID)
  programmeId!: string;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => LocalisedText)
  @ValidateNested()
  title!: LocalisedText;

  @Field()
  opensAt!: Date;

  @Field()
  closesAt!: Date;
}

@InputType({ description: 'Only the fields given change; null clears an optional one.' })
export class UpdateMobilityCallInput extends CallSettings {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  title?: LocalisedText;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  opensAt?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  closesAt?: Date;
}

@InputType()
export class CallQuotaInput {
  @Field(() => ID, { description: 'A faculty or department of the home institution.' })
  unitId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\d{2,4}$/, { message: 'isced must be an ISCED-F code of 2 to 4 digits' })
  isced?: string;

  @Field(() => Int)
  @Min(0)
  @Max(10000)
  places!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(10000)
  grantedPlaces?: number;
}

@InputType()
export class MobilityCallFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear?: string;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  programmeIds?: string[];

  @Field(() => [MobilityType], { nullable: true })
  @IsOptional()
  mobilityTypes?: MobilityType[];

  @Field(() => [CallStatus], { nullable: true, description: 'Office only; others see published calls.' })
  @IsOptional()
  statuses?: CallStatus[];

  @Field(() => Boolean, { nullable: true, description: 'Only calls taking applications now.' })
  @IsOptional()
  openNow?: boolean;
}

@ArgsType()
export class MobilityCallListArgs extends ConnectionArgs {
  @Field(() => MobilityCallFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: MobilityCallFilter;
}

// --- Applications --------------------------------------------------------------------------------------------------------

@ObjectType('DeclaredFact')
@InputType('DeclaredFactInput')
export class DeclaredFact {
  @Field({ description: "A code of the programme's declarable facts (e.g. DISABILITY)." })
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => [String], { description: 'References to the evidence documents.' })
  @ArrayMaxSize(5)
  @Length(1, 500, { each: true })
  evidence!: string[];
}

@ObjectType('ApplicationDocument')
@InputType('ApplicationDocumentInput')
export class ApplicationDocument {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field({ description: 'Where the document is (a file reference or URL).' })
  @Length(1, 500)
  reference!: string;
}

/** The fields an applicant fills in, shared by create and update. */
@InputType()
abstract class ApplicationFields {
  @Field(() => StudyLevel, { nullable: true })
  @IsOptional()
  studyLevel?: StudyLevel | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(10)
  yearOfStudy?: number | null;

  @Field(() => String, { nullable: true, description: 'ISCED-F code (2 to 4 digits) of your field of study.' })
  @IsOptional()
  @Matches(/^\d{2,4}$/, { message: 'fieldOfStudy must be an ISCED-F code of 2 to 4 digits' })
  fieldOfStudy?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(4)
  gpa?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  languageExam?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  languageScore?: number | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(3)
  @Matches(COUNTRY, { each: true, message: 'citizenships must be ISO 3166-1 alpha-2 codes in capitals' })
  citizenships?: string[];

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0.5)
  @Max(24)
  plannedMonths?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(60)
  plannedDays?: number | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  acceptsZeroGrant?: boolean;

  @Field(() => [DeclaredFact], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  declaredFacts?: DeclaredFact[];

  @Field(() => [ApplicationDocument], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  documents?: ApplicationDocument[];

  @Field(() => [ID], { nullable: true, description: 'Places of the call, best first.' })
  @IsOptional()
  @ArrayMaxSize(MAX_PREFERENCES_LIMIT)
  preferences?: string[];
}

@InputType()
export class CreateMobilityApplicationInput extends ApplicationFields {
  @Field(() => ID)
  callId!: string;

  @Field(() => ID, { description: 'Your faculty or department.' })
  unitId!: string;
}

@InputType()
export class UpdateMobilityApplicationInput extends ApplicationFields {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  unitId?: string;
}

@InputType()
export class LeaveApplicationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  reason?: string;
}

@InputType()
export class ChangeApplicationStatusInput extends LeaveApplicationInput {
  @Field(() => ApplicationStatus)
  to!: ApplicationStatus;

  @Field(() => Boolean, { nullable: true, description: 'A withdrawal for force majeure carries no penalty later.' })
  @IsOptional()
  forceMajeure?: boolean;
}

@InputType()
export class MobilityApplicationFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  callId?: string;

  @Field(() => [ApplicationStatus], { nullable: true })
  @IsOptional()
  statuses?: ApplicationStatus[];

  @Field(() => ID, { nullable: true, description: 'Applications of this unit or any unit below it.' })
  @IsOptional()
  unitId?: string;
}

@ArgsType()
export class MobilityApplicationListArgs extends ConnectionArgs {
  @Field(() => MobilityApplicationFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: MobilityApplicationFilter;
}
