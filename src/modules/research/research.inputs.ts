import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';
import { ConnectionArgs } from '../../platform/graphql/relay';
import { IsCurrency, IsDay, IsMoneyAmount } from '../../platform/graphql/validators';
import { ResearchCallStatus, ResearchProgramme, ResearchRole, ResearchSupportKind, ResearchSupportStatus } from './research.entity';
import { TOPIC_ID, TOPIC_ID_MESSAGE } from './research.rules';

const MAX_FIELDS = 20;
const FIELD_MESSAGE = 'each field is an ISCED-F code (2–4 digits) or a keyword of 2–40 characters';

@InputType({ description: 'Long text in Turkish and English (up to 20,000 characters each; Markdown).' })
export class ResearchLongTextInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 20_000)
  tr?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 20_000)
  en?: string;
}

/** Fields shared by create and update of a call (all optional on update). */
@InputType('ResearchCallFieldsInput')
abstract class ResearchCallFieldsInput {
  @Field(() => ResearchLongTextInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  description?: ResearchLongTextInput;

  @Field(() => Date, { nullable: true, description: 'Two-stage calls: the second-stage deadline (after `deadline`); null on update clears it.' })
  @IsOptional()
  secondStageDeadline?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsMoneyAmount()
  budgetTotal?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsMoneyAmount()
  budgetPerProjectMin?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsMoneyAmount()
  budgetPerProjectMax?: string;

  @Field(() => String, { nullable: true, description: 'ISO 4217 (default EUR).' })
  @IsOptional()
  @IsCurrency()
  currency?: string;

  @Field(() => [String], { nullable: true, description: 'http(s) links, up to 10.' })
  @IsOptional()
  @ArrayMaxSize(10)
  @Length(8, 2000, { each: true })
  links?: string[];

  @Field(() => [String], { nullable: true, description: `ISCED-F codes or keywords, up to ${MAX_FIELDS}.` })
  @IsOptional()
  @ArrayMaxSize(MAX_FIELDS)
  @Length(2, 40, { each: true, message: FIELD_MESSAGE })
  fields?: string[];
}

@InputType()
export class CreateResearchCallInput extends ResearchCallFieldsInput {
  @Field(() => ResearchProgramme)
  programme!: ResearchProgramme;

  @Field(() => LocalisedText)
  @ValidateNested()
  title!: LocalisedText;

  @Field(() => [String], { description: 'One to ten topic identifiers, e.g. HORIZON-CL5-2027-D3-01-05.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(TOPIC_ID, { each: true, message: TOPIC_ID_MESSAGE })
  @MaxLength(80, { each: true })
  topicIds!: string[];

  @Field()
  opensAt!: Date;

  @Field({ description: 'Single-stage deadline, or the first stage of a two-stage call.' })
  deadline!: Date;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateResearchCallInput extends ResearchCallFieldsInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => ResearchProgramme, { nullable: true })
  @IsOptional()
  programme?: ResearchProgramme;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  title?: LocalisedText;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(TOPIC_ID, { each: true, message: TOPIC_ID_MESSAGE })
  @MaxLength(80, { each: true })
  topicIds?: string[];

  @Field(() => Date, { nullable: true })
  @IsOptional()
  opensAt?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  deadline?: Date;
}

@InputType()
export class ResearchCallFilter {
  @Field(() => ResearchProgramme, { nullable: true })
  @IsOptional()
  programme?: ResearchProgramme;

  @Field(() => String, { nullable: true, description: 'An ISCED-F code (prefix match along the hierarchy) or a keyword.' })
  @IsOptional()
  @Length(2, 40)
  field?: string;

  @Field({ nullable: true, description: 'Only calls still taking proposals (published, last deadline ahead).' })
  @IsOptional()
  openOnly?: boolean;

  @Field(() => [ResearchCallStatus], { nullable: true, description: 'Office only (others see published and closed calls).' })
  @IsOptional()
  @ArrayMaxSize(3)
  statuses?: ResearchCallStatus[];
}

@ArgsType()
export class ResearchCallListArgs extends ConnectionArgs {
  @Field(() => ResearchCallFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ResearchCallFilter;
}

@InputType()
export class ResearchCallSubscriptionInput {
  @Field(() => [String], { description: `ISCED-F codes or keywords, up to ${MAX_FIELDS}; empty: every field (then name a programme).` })
  @ArrayMaxSize(MAX_FIELDS)
  @Length(2, 40, { each: true, message: FIELD_MESSAGE })
  fields!: string[];

  @Field(() => [ResearchProgramme], { nullable: true, description: 'Empty or left out: every programme.' })
  @IsOptional()
  @ArrayMaxSize(9)
  programmes?: ResearchProgramme[];

  @Field(() => Int, { nullable: true, description: 'When changing an existing subscription: its version (checked when given).' })
  @IsOptional()
  version?: number;
}

// --- Support requests ----------------------------------------------------------------------------------------------------

@InputType()
export class FileResearchSupportRequestInput {
  @Field(() => ID, { nullable: true, description: 'A call the office follows (published).' })
  @IsOptional()
  callId?: string;

  @Field(() => String, { nullable: true, description: 'Another call, in words (its title or topic identifier).' })
  @IsOptional()
  @Length(3, 300)
  externalCall?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 300)
  proposalTitle?: string;

  @Field({ description: 'Your name as the office should address you.' })
  @Length(2, 200)
  researcherName!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  researcherEmail?: string;

  @Field(() => ID, { nullable: true, description: 'Your home unit (faculty or department): its coordinators will see the request.' })
  @IsOptional()
  unitId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 4000)
  partnersSought?: string;

  @Field(() => [ID], { nullable: true, description: 'Institutions of the directory you would like as partners (up to 30).' })
  @IsOptional()
  @ArrayMaxSize(30)
  partnerInstitutionIds?: string[];

  @Field(() => ResearchRole)
  role!: ResearchRole;

  @Field(() => [ResearchSupportKind])
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  helpNeeded!: ResearchSupportKind[];

  @Field(() => Date, { nullable: true, description: 'The submission deadline (default: the followed call’s next deadline).' })
  @IsOptional()
  deadline?: Date;

  @Field()
  @Length(10, 10_000)
  description!: string;
}

@InputType()
export class ResearchSupportNoteInput {
  @Field(() => ID)
  requestId!: string;

  @Field()
  @Length(1, 4000)
  body!: string;

  @Field({ nullable: true, description: 'Office only: true keeps the note from the researcher (default false: a message they read).' })
  @IsOptional()
  internal?: boolean;
}

@InputType()
export class ResearchSupportFilter {
  @Field(() => [ResearchSupportStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  statuses?: ResearchSupportStatus[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  callId?: string;

  @Field(() => String, { nullable: true, description: 'Office: requests assigned to this staff member.' })
  @IsOptional()
  @Length(1, 200)
  assignedTo?: string;
}

@ArgsType()
export class ResearchSupportListArgs extends ConnectionArgs {
  @Field(() => ResearchSupportFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ResearchSupportFilter;
}

// --- Projects ------------------------------------------------------------------------------------------------------------

@InputType()
export class ResearchProjectPartnerInput {
  @Field(() => ID, { description: 'An institution of the directory.' })
  institutionId!: string;

  @Field(() => ResearchRole)
  role!: ResearchRole;

  @Field({ nullable: true, description: 'The project’s coordinator (at most one, and none when ourRole is COORDINATOR).' })
  @IsOptional()
  coordinator?: boolean;
}

@InputType('ResearchProjectFieldsInput')
abstract class ResearchProjectFieldsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 60)
  topicId?: string;

  @Field(() => [ResearchProjectPartnerInput], { nullable: true, description: 'Up to 100 partners; replaces the list.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  partners?: ResearchProjectPartnerInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsMoneyAmount()
  budgetTotal?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsMoneyAmount()
  ourShare?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsCurrency()
  currency?: string;

  @Field({ nullable: true, description: 'List it on the website (acronym, title, programme, dates, partner names).' })
  @IsOptional()
  publicListing?: boolean;
}

const ACRONYM = /^[A-Za-z0-9][A-Za-z0-9\-+&.]{0,29}$/;
const ACRONYM_MESSAGE = 'acronym is 1–30 letters, digits or - + & .';
const GRANT_NUMBER = /^\d{6,10}$/;
const GRANT_NUMBER_MESSAGE = 'grantAgreementNumber is 6–10 digits (e.g. 101093652)';

@InputType()
export class CreateResearchProjectInput extends ResearchProjectFieldsInput {
  @Field()
  @Matches(ACRONYM, { message: ACRONYM_MESSAGE })
  acronym!: string;

  @Field()
  @Length(3, 500)
  title!: string;

  @Field()
  @Matches(GRANT_NUMBER, { message: GRANT_NUMBER_MESSAGE })
  grantAgreementNumber!: string;

  @Field(() => ResearchProgramme)
  programme!: ResearchProgramme;

  @Field(() => ID, { nullable: true, description: 'The followed call it was funded under.' })
  @IsOptional()
  callId?: string;

  @Field(() => ResearchRole)
  ourRole!: ResearchRole;

  @Field()
  @IsDay()
  startDate!: string;

  @Field()
  @IsDay()
  endDate!: string;

  @Field({ description: 'The principal investigator’s identity (subject).' })
  @Length(1, 200)
  piSubject!: string;

  @Field()
  @Length(2, 200)
  piName!: string;

  @Field(() => ID, { nullable: true, description: 'The support request it came from.' })
  @IsOptional()
  supportRequestId?: string;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateResearchProjectInput extends ResearchProjectFieldsInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(3, 500)
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  startDate?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  endDate?: string;
}
