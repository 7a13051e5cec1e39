import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { OrderDirection } from '../../platform/graphql/relay';
import { AgreementKind, AgreementStatus, MobilityType } from './agreement.entity';

export const ACADEMIC_YEAR = /^\d{4}\/\d{4}$/;
export const YEAR_MESSAGE = 'academic years are written 2025/2026';
export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

@InputType()
export class SubjectAreaInput {
  @Field({ description: 'ISCED-F 2013 code: 4-digit detailed field (e.g. 0613); 2 or 3 digits for broader fields.' })
  @Matches(/^\d{2,4}$/, { message: 'isced must be an ISCED-F code of 2 to 4 digits (e.g. 0613)' })
  isced!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 300)
  clarification?: string;
}

@InputType()
export class LanguageRequirementInput {
  @Field({ description: 'ISO 639-1 code, lower case (e.g. en, de, tr).' })
  @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code (e.g. en)' })
  language!: string;

  @Field(() => String, { nullable: true, description: 'Recommended CEFR level, A1 to C2.' })
  @IsOptional()
  @IsIn(CEFR_LEVELS, { message: 'cefr must be one of A1, A2, B1, B2, C1, C2' })
  cefr?: string;
}

@InputType({ description: 'One direction of cooperation: who sends whom to whom (EWP IIA v7 cooperation condition).' })
export class CooperationConditionInput {
  @Field(() => ID)
  sendingInstitutionId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  sendingUnitId?: string;

  @Field(() => ID)
  receivingInstitutionId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  receivingUnitId?: string;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  firstAcademicYear!: string;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  lastAcademicYear!: string;

  @Field(() => Int)
  @Min(1)
  @Max(1000)
  mobilitiesPerYear!: number;

  @Field(() => Float, { nullable: true, description: 'Students (SMS, SMT): total months per year.' })
  @IsOptional()
  @Min(0.5)
  @Max(12000)
  totalMonthsPerYear?: number;

  @Field(() => Int, { nullable: true, description: 'Staff (STA, STT): total days per year.' })
  @IsOptional()
  @Min(1)
  @Max(100000)
  totalDaysPerYear?: number;

  @Field(() => [SubjectAreaInput], { nullable: true })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  subjectAreas: SubjectAreaInput[] = [];

  @Field(() => [Int], { nullable: true })
  @ArrayMaxSize(4)
  @Min(5, { each: true, message: 'eqfLevels are 5 (short cycle) to 8 (doctorate)' })
  @Max(8, { each: true, message: 'eqfLevels are 5 (short cycle) to 8 (doctorate)' })
  eqfLevels: number[] = [];

  @Field(() => [LanguageRequirementInput], { nullable: true })
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  languages: LanguageRequirementInput[] = [];

  @Field(() => Boolean, { nullable: true })
  blended: boolean = false;
}

@InputType()
export class AgreementPartnerInput {
  @Field(() => ID)
  institutionId!: string;

  @Field(() => ID, { nullable: true, description: 'A unit of the partner, when the agreement is with that unit only.' })
  @IsOptional()
  unitId?: string;
}

@InputType()
export class CreateAgreementInput {
  @Field(() => AgreementKind)
  kind!: AgreementKind;

  @Field()
  @Length(3, 300)
  title!: string;

  @Field(() => String, { nullable: true, description: "The office's reference number, unique." })
  @IsOptional()
  @Length(1, 50)
  reference?: string;

  @Field(() => ID, { nullable: true, description: 'The home unit (faculty, department) the agreement belongs to.' })
  @IsOptional()
  homeUnitId?: string;

  @Field(() => [AgreementPartnerInput])
  @ArrayMinSize(1, { message: 'an agreement needs at least one partner' })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  partners!: AgreementPartnerInput[];

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  firstAcademicYear!: string;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  lastAcademicYear!: string;

  @Field(() => [CooperationConditionInput], { nullable: true })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  conditions: CooperationConditionInput[] = [];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  internalNote?: string;
}

@InputType({ description: 'Fields left out stay as they are; `partners` and `conditions`, when given, replace the lists.' })
export class UpdateAgreementInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(3, 300)
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  reference?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  homeUnitId?: string | null;

  @Field(() => [AgreementPartnerInput], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: 'an agreement needs at least one partner' })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  partners?: AgreementPartnerInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  firstAcademicYear?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  lastAcademicYear?: string;

  @Field(() => [CooperationConditionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  conditions?: CooperationConditionInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  internalNote?: string | null;
}

export enum SigningSide {
  HOME = 'HOME',
  PARTNER = 'PARTNER',
}
registerEnumType(SigningSide, { name: 'SigningSide' });

@InputType()
export class SignAgreementInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => SigningSide)
  side!: SigningSide;

  @Field()
  @Length(2, 200)
  signatory!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'signedOn must be a date (YYYY-MM-DD)' })
  signedOn!: string;
}

@InputType()
export class AgreementFilter {
  @Field(() => [AgreementKind], { nullable: true })
  @IsOptional()
  kinds?: AgreementKind[];

  @Field(() => [AgreementStatus], { nullable: true })
  @IsOptional()
  statuses?: AgreementStatus[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  partnerId?: string;

  @Field(() => ID, { nullable: true, description: 'Agreements of this home unit or any unit below it.' })
  @IsOptional()
  homeUnitId?: string;

  @Field(() => String, { nullable: true, description: 'Agreements covering this academic year.' })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear?: string;

  @Field(() => [MobilityType], { nullable: true })
  @IsOptional()
  mobilityTypes?: MobilityType[];

  @Field(() => String, { nullable: true, description: 'ISCED-F code or prefix: 06 matches 0613.' })
  @IsOptional()
  @Matches(/^\d{2,4}$/, { message: 'isced must be 2 to 4 digits' })
  isced?: string;

  @Field(() => Int, { nullable: true, description: 'In effect and ending within this many days.' })
  @IsOptional()
  @Min(0)
  @Max(3650)
  expiringWithinDays?: number;

  @Field(() => String, {
    nullable: true,
    description: 'Agreements covering this academic year that have no cooperation condition for it.',
  })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  withoutConditionsFor?: string;
}

export enum AgreementOrderField {
  CREATED_AT = 'createdAt',
  LAST_ACADEMIC_YEAR = 'lastAcademicYear',
  TITLE = 'title',
}
registerEnumType(AgreementOrderField, { name: 'AgreementOrderField' });

@InputType()
export class AgreementOrder {
  @Field(() => AgreementOrderField)
  field!: AgreementOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction: OrderDirection = OrderDirection.ASC;
}

export enum QuotaGrouping {
  PARTNER = 'PARTNER',
  ISCED = 'ISCED',
  MOBILITY_TYPE = 'MOBILITY_TYPE',
}
registerEnumType(QuotaGrouping, { name: 'QuotaGrouping' });
