import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsIn,
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { ConnectionArgs } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { ACADEMIC_YEAR, YEAR_MESSAGE } from '../agreements/agreement.inputs';
import { StudyLevel } from '../mobility/application.entity';
import { IsDay } from '../../platform/graphql/validators';
import { ApplicationDocument } from '../mobility/mobility.inputs';
import { AcademicTerm, IncomingStatus, LaDecision } from './incoming-mobility.entity';

const COUNTRY = /^[A-Z]{2}$/;
const ISCED = /^\d{2,4}$/;
const LANGUAGE = /^[a-z]{2}$/;
const CEFR = /^(A1|A2|B1|B2|C1|C2)$/;

/** A real calendar day, YYYY-MM-DD. */
export enum IncomingDecision {
  ACCEPT = 'ACCEPT',
  REJECT = 'REJECT',
  REQUEST_INFO = 'REQUEST_INFO',
}
registerEnumType(IncomingDecision, { name: 'IncomingDecision', description: 'Accept, reject (say why), or ask for more information (say what).' });

export enum IncomingLaTable {
  A = 'A',
  C = 'C',
}
registerEnumType(IncomingLaTable, { name: 'IncomingLaTable', description: 'Table A: courses of our catalogue; Table C: virtual components.' });

export enum Semester {
  FALL = 'FALL',
  SPRING = 'SPRING',
}
registerEnumType(Semester, { name: 'IncomingSemester', description: 'Güz (fall) or bahar (spring) semester.' });

/** The nominee as the partner gives them, and the mobility's facts; shared by staff entry and its validation. */
@InputType()
export class NominateIncomingInput {
  @Field(() => ID, { description: 'The sending institution (an Institution of the directory).' })
  sendingInstitutionId!: string;

  @Field(() => String, { nullable: true, description: 'The partner’s faculty or department, as the partner names it.' })
  @IsOptional()
  @MaxLength(200)
  sendingUnitName?: string | null;

  @Field(() => ID, { nullable: true, description: 'The agreement the partner nominates under; otherwise every agreement with the partner is considered.' })
  @IsOptional()
  agreementId?: string | null;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => AcademicTerm)
  term!: AcademicTerm;

  @Field(() => StudyLevel, { nullable: true, description: 'Students only; staff visits have none.' })
  @IsOptional()
  studyLevel?: StudyLevel | null;

  @Field(() => String, { nullable: true, description: 'ISCED-F code (2–4 digits).' })
  @IsOptional()
  @Matches(ISCED, { message: 'iscedCode must be an ISCED-F code of 2 to 4 digits' })
  iscedCode?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 639-1.' })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'languageCode must be an ISO 639-1 code in lower case (en, de)' })
  languageCode?: string | null;

  @Field(() => String, { nullable: true, description: 'CEFR level A1–C2.' })
  @IsOptional()
  @Matches(CEFR, { message: 'languageLevel must be a CEFR level (A1 to C2)' })
  languageLevel?: string | null;

  @Field(() => ID, { description: 'Our faculty or department that hosts the nominee.' })
  hostUnitId!: string;

  @Field()
  @Length(1, 200)
  givenNames!: string;

  @Field()
  @Length(1, 200)
  familyName!: string;

  @Field()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  birthDate?: string | null;

  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2.' })
  @IsOptional()
  @ArrayMaxSize(5)
  @Matches(COUNTRY, { each: true, message: 'citizenships are ISO 3166-1 alpha-2 codes (DE, TR)' })
  citizenships?: string[] | null;

  @Field(() => String, { nullable: true, description: 'The nominee’s account, when known: no invitation code is issued then.' })
  @IsOptional()
  @Length(1, 200)
  nomineeSubject?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  plannedArrival?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  plannedDeparture?: string | null;

  @Field(() => String, { nullable: true, description: 'The day the partner nominated.' })
  @IsOptional()
  @IsDay()
  nominatedOn?: string | null;
}

@InputType({ description: 'The fields of an EWP outgoing-mobility (omobility) nomination.' })
export class EwpNominationInput {
  @Field({ description: 'sending-hei-id (SCHAC code).' })
  @Length(1, 200)
  sendingHeiId!: string;

  @Field(() => String, { nullable: true, description: 'The sending organisational unit’s name.' })
  @IsOptional()
  @MaxLength(200)
  sendingOunitName?: string | null;

  @Field({ description: 'receiving-hei-id: must be ours.' })
  @Length(1, 200)
  receivingHeiId!: string;

  @Field(() => String, { nullable: true, description: 'Our unit’s code (e.g. ENG-CENG); without it, the unit the partner’s conditions name.' })
  @IsOptional()
  @MaxLength(40)
  receivingOunitCode?: string | null;

  @Field()
  @Length(1, 200)
  givenNames!: string;

  @Field()
  @Length(1, 200)
  familyName!: string;

  @Field()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' })
  @IsOptional()
  @Matches(COUNTRY, { message: 'citizenship is an ISO 3166-1 alpha-2 code' })
  citizenship?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ISCED, { message: 'iscedCode must be an ISCED-F code of 2 to 4 digits' })
  iscedCode?: string | null;

  @Field(() => Int, { nullable: true, description: 'eqf-level-studied-at-nomination (5–8).' })
  @IsOptional()
  @Min(5)
  @Max(8)
  eqfLevel?: number | null;

  @Field({ description: 'receiving-academic-year-id, e.g. 2027/2028.' })
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  receivingAcademicYearId!: string;

  @Field()
  @IsDay()
  plannedArrivalDate!: string;

  @Field()
  @IsDay()
  plannedDepartureDate!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  nominationDate?: string | null;

  @Field(() => MobilityType, { nullable: true, description: 'SMS unless given.' })
  @IsOptional()
  mobilityType?: MobilityType | null;

  @Field(() => AcademicTerm, { nullable: true, description: 'Derived from the planned dates unless given.' })
  @IsOptional()
  term?: AcademicTerm | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'languageCode must be an ISO 639-1 code in lower case' })
  languageCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CEFR, { message: 'cefrLevel must be a CEFR level (A1 to C2)' })
  cefrLevel?: string | null;
}

@InputType({ description: 'What the nominee completes or corrects; omitted fields stay as they are.' })
export class UpdateIncomingApplicationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  givenNames?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  familyName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  birthDate?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  @Matches(COUNTRY, { each: true, message: 'citizenships are ISO 3166-1 alpha-2 codes (DE, TR)' })
  citizenships?: string[] | null;

  @Field(() => [ApplicationDocument], { nullable: true, description: 'Transcript, language certificate, passport copy…: replaces the list.' })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  documents?: ApplicationDocument[] | null;

  @Field(() => [ID], { nullable: true, description: 'Courses of our catalogue the nominee plans to take: replaces the choice.' })
  @IsOptional()
  @ArrayMaxSize(20)
  courseIds?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  accommodationRequested?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  accommodationNote?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  plannedArrival?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  plannedDeparture?: string | null;

  @Field(() => String, { nullable: true, description: 'Flight, arrival time, who picks the nominee up…' })
  @IsOptional()
  @MaxLength(1000)
  arrivalNote?: string | null;
}

@InputType()
export class DecideIncomingInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => IncomingDecision)
  decision!: IncomingDecision;

  @Field(() => String, { nullable: true, description: 'Required to reject (why) and to request information (what).' })
  @IsOptional()
  @MaxLength(2000)
  note?: string | null;
}

@InputType()
export class SetIncomingDeadlineInput {
  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => AcademicTerm)
  term!: AcademicTerm;

  @Field()
  @IsDay()
  nominationDeadline!: string;

  @Field()
  @IsDay()
  applicationDeadline!: string;

  @Field(() => Int, { nullable: true, description: 'The version read, when changing existing deadlines.' })
  @IsOptional()
  version?: number | null;
}

@InputType()
export class IncomingMobilityFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear?: string | null;

  @Field(() => [IncomingStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  statuses?: IncomingStatus[] | null;

  @Field(() => ID, { nullable: true, description: 'This unit and the units below it.' })
  @IsOptional()
  hostUnitId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  sendingInstitutionId?: string | null;

  @Field(() => [MobilityType], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  mobilityTypes?: MobilityType[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only nominations with issues the office has not acknowledged.' })
  @IsOptional()
  flaggedOnly?: boolean | null;
}

@ArgsType()
export class IncomingMobilityListArgs extends ConnectionArgs {
  @Field(() => IncomingMobilityFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: IncomingMobilityFilter;
}

@InputType()
export class IncomingLaComponentInput {
  @Field(() => IncomingLaTable)
  table!: IncomingLaTable;

  @Field(() => ID, { nullable: true, description: 'Table A: the course of our catalogue (code, title and ECTS come from it).' })
  @IsOptional()
  courseId?: string | null;

  @Field(() => String, { nullable: true, description: 'Table C: the virtual component’s title.' })
  @IsOptional()
  @MaxLength(300)
  title?: string | null;

  @Field(() => Float, { nullable: true, description: 'Table C: its ECTS credits.' })
  @IsOptional()
  @Min(0.5)
  @Max(60)
  ects?: number | null;

  @Field(() => Semester, { nullable: true, description: 'When the course is taken; by default the course’s or the stay’s semester.' })
  @IsOptional()
  semester?: Semester | null;
}

@InputType()
export class ProposeIncomingLaInput {
  @Field(() => ID)
  mobilityId!: string;

  @Field(() => Int, { description: 'The incoming mobility’s version.' })
  version!: number;

  @Field(() => [IncomingLaComponentInput])
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  components!: IncomingLaComponentInput[];
}

@InputType()
export class AnswerIncomingLaInput {
  @Field(() => ID)
  mobilityId!: string;

  @Field(() => Int, { description: 'The incoming mobility’s version.' })
  version!: number;

  @Field(() => Int, { description: 'The proposal answered.' })
  @Min(1)
  revision!: number;

  @Field(() => LaDecision, { description: 'APPROVED or COMMENTED.' })
  @IsIn([LaDecision.APPROVED, LaDecision.COMMENTED], { message: 'decision is APPROVED or COMMENTED' })
  decision!: LaDecision;

  @Field(() => String, { nullable: true, description: 'Required with COMMENTED: what should change.' })
  @IsOptional()
  @MaxLength(2000)
  comment?: string | null;

  @Field(() => String, { nullable: true, description: 'Required with APPROVED.' })
  @IsOptional()
  @MaxLength(200)
  signerName?: string | null;

  @Field(() => String, { nullable: true, description: 'Required with APPROVED.' })
  @IsOptional()
  @MaxLength(200)
  signerPosition?: string | null;
}
