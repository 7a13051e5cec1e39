import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';
import { ConnectionArgs } from '../../platform/graphql/relay';
import { ACADEMIC_YEAR, YEAR_MESSAGE } from '../agreements/agreement.inputs';
import { AdmissionCallStatus, AdmissionExamKind, AdmissionStatus } from './admission.entity';
import { IsDay } from '../../platform/graphql/validators';

const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const CODE_MESSAGE = '$property must be an upper-case code (A-Z, 0-9, _), e.g. LANGUAGE_CERTIFICATE';
const COUNTRY = /^[A-Z]{2}$/;
const COUNTRY_MESSAGE = '$property must be an ISO 3166-1 alpha-2 code in capitals (e.g. DE)';
const LANGUAGE = /^[a-z]{2}$/;
const LANGUAGE_MESSAGE = '$property must be an ISO 639-1 code in lower case (e.g. tr, en)';
/** Scores on any exam's scale (SAT reaches 1600; a national exam may reach 700). */
const SCORE_LIMIT = 100000;

// --- Exams ---------------------------------------------------------------------------------------------------------------------

@ObjectType('AdmissionConversionPoint', { description: 'A breakpoint of a conversion table: a raw score and the comparable score (0–100).' })
@InputType('AdmissionConversionPointInput')
export class AdmissionConversionPoint {
  @Field(() => Float)
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  score!: number;

  @Field(() => Float)
  @Min(0)
  @Max(100)
  converted!: number;
}

@InputType()
export class CreateAdmissionExamInput {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => LocalisedText)
  @ValidateNested()
  name!: LocalisedText;

  @Field(() => AdmissionExamKind)
  kind!: AdmissionExamKind;

  @Field(() => String, { nullable: true, description: 'LANGUAGE certificates: the language certified (ISO 639-1).' })
  @IsOptional()
  @Matches(LANGUAGE, { message: LANGUAGE_MESSAGE })
  language?: string;

  @Field(() => Float)
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  scaleMin!: number;

  @Field(() => Float)
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  scaleMax!: number;

  @Field(() => Boolean, { nullable: true, description: 'Default true; false where lower is better (Abitur).' })
  @IsOptional()
  higherIsBetter?: boolean;

  @Field(() => [AdmissionConversionPoint], { nullable: true, description: 'Breakpoints from scaleMin to scaleMax; none: linear to 0–100.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  conversionTable?: AdmissionConversionPoint[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  notes?: string;
}

@InputType({ description: 'Fields left out stay as they are.' })
export class UpdateAdmissionExamInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  name?: LocalisedText;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  scaleMin?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  scaleMax?: number;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  higherIsBetter?: boolean;

  @Field(() => [AdmissionConversionPoint], { nullable: true, description: 'An empty list makes the conversion linear.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  conversionTable?: AdmissionConversionPoint[];

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  active?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  notes?: string | null;
}

// --- Calls ---------------------------------------------------------------------------------------------------------------------

@InputType({ description: 'An exam a call accepts, and the minimum on its own scale ("at least as good as": for ABITUR 2.5 means 2.5 or better).' })
export class AdmissionExamRequirementInput {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  examCode!: string;

  @Field(() => Float)
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  minimumScore!: number;
}

/** The settings a call is created with and that the office may change later. */
@InputType()
abstract class AdmissionCallSettings {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(10000)
  quota?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(LANGUAGE, { message: LANGUAGE_MESSAGE })
  languageOfInstruction?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(CODE, { each: true, message: CODE_MESSAGE })
  requiredDocuments?: string[];

  @Field(() => [AdmissionExamRequirementInput], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: 'acceptedExams must name at least one exam' })
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  acceptedExams?: AdmissionExamRequirementInput[];

  @Field(() => [AdmissionExamRequirementInput], {
    nullable: true,
    description: 'Certificates proving proficiency in the language of instruction (empty: proficiency is not assessed).',
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  languageCertificates?: AdmissionExamRequirementInput[];

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  preparationYear?: boolean;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  opensAt?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  closesAt?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  enrolmentDeadline?: Date;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  programmeName?: LocalisedText;
}

@InputType({ description: 'A new call, as a draft. quota, languageOfInstruction, acceptedExams, programmeName and the three dates are required.' })
export class CreateAdmissionCallInput extends AdmissionCallSettings {
  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => ID, { description: 'The home department (or faculty) offering the programme.' })
  unitId!: string;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateAdmissionCallInput extends AdmissionCallSettings {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;
}

@InputType()
export class AdmissionCallFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear?: string;

  @Field(() => [AdmissionCallStatus], { nullable: true, description: 'The office only (others see published calls).' })
  @IsOptional()
  @ArrayMaxSize(4)
  statuses?: AdmissionCallStatus[];

  @Field(() => ID, { nullable: true, description: 'Calls of this unit or any unit below it.' })
  @IsOptional()
  unitId?: string;
}

@ArgsType()
export class AdmissionCallListArgs extends ConnectionArgs {
  @Field(() => AdmissionCallFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: AdmissionCallFilter;
}

// --- Applications ------------------------------------------------------------------------------------------------------------

@InputType()
export class AdmissionLanguageCertificateInput {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => Float)
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  score!: number;
}

@InputType()
export class AdmissionDocumentInput {
  @Field({ description: 'One of the call’s required document codes.' })
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field({ description: 'Where the document is (a file reference or URL).' })
  @Length(1, 500)
  reference!: string;
}

@InputType()
export class CreateAdmissionApplicationInput {
  @Field(() => ID)
  callId!: string;

  @Field()
  @Length(1, 100)
  givenName!: string;

  @Field()
  @Length(1, 100)
  familyName!: string;

  @Field()
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  nationality!: string;

  @Field()
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  countryOfResidence!: string;

  @Field()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  birthDate!: string;

  @Field(() => String, { nullable: true, description: 'One of the call’s accepted exams.' })
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  examCode?: string;

  @Field(() => Float, { nullable: true, description: "On the exam's own scale." })
  @IsOptional()
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  examScore?: number;

  @Field(() => AdmissionLanguageCertificateInput, { nullable: true, description: 'Proof of proficiency in the language of instruction (none: leave out).' })
  @IsOptional()
  @ValidateNested()
  languageCertificate?: AdmissionLanguageCertificateInput;

  @Field(() => [AdmissionDocumentInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  documents?: AdmissionDocumentInput[];
}

@InputType({ description: 'Changes a draft (or an incomplete application) while the call is open; fields left out stay, null clears an optional one.' })
export class UpdateAdmissionApplicationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  givenName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  familyName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  nationality?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  countryOfResidence?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  birthDate?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  examCode?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(-SCORE_LIMIT)
  @Max(SCORE_LIMIT)
  examScore?: number | null;

  @Field(() => AdmissionLanguageCertificateInput, { nullable: true, description: 'null: no certificate.' })
  @IsOptional()
  @ValidateNested()
  languageCertificate?: AdmissionLanguageCertificateInput | null;

  @Field(() => [AdmissionDocumentInput], { nullable: true, description: 'Replaces the list; a document given again unchanged keeps its check.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  documents?: AdmissionDocumentInput[];
}

@InputType()
export class AdmissionStepInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => String, { nullable: true, description: 'Required when the office cancels.' })
  @IsOptional()
  @Length(1, 2000)
  reason?: string;
}

export enum AdmissionDocumentDecision {
  VERIFIED = 'VERIFIED',
  REJECTED = 'REJECTED',
}
registerEnumType(AdmissionDocumentDecision, { name: 'AdmissionDocumentDecision' });

@InputType({ description: 'The office’s check of one required document (REJECTED needs a note).' })
export class VerifyAdmissionDocumentInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => AdmissionDocumentDecision)
  decision!: AdmissionDocumentDecision;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 1000)
  note?: string;
}

@InputType()
export class AdmissionApplicationFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  callId?: string;

  @Field(() => [AdmissionStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(12)
  statuses?: AdmissionStatus[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  nationality?: string;
}

@ArgsType()
export class AdmissionApplicationListArgs extends ConnectionArgs {
  @Field(() => AdmissionApplicationFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: AdmissionApplicationFilter;
}
