import { ArrayMaxSize, ArrayMinSize, IsDate, IsOptional, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { IsDay, IsMoneyAmount } from '../../platform/graphql/validators';
import { MobilityType } from '../agreements/agreement.entity';
import { ACADEMIC_YEAR, YEAR_MESSAGE } from '../agreements/agreement.inputs';
import { BudgetCategory, ContractStatus, NaAction, ProposalStatus, ReportKind, ReportStatus } from './project.entity';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true };
const LINE_CODE = /^((SMS|SMT|STA|STT)_(INDIVIDUAL_SUPPORT|TRAVEL)|INCLUSION_SUPPORT|ORGANISATIONAL_SUPPORT|EXCEPTIONAL_COSTS)$/;

@InputType()
export class NaCallDocumentInput {
  @Field()
  @Length(1, 300)
  title!: string;

  @Field()
  @MaxLength(2000)
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) address' })
  url!: string;
}

@InputType({ description: 'A National Agency call for proposals.' })
export class CreateNaCallInput {
  @Field(() => NaAction)
  action!: NaAction;

  @Field()
  @Length(2, 300)
  title!: string;

  @Field(() => Int)
  @Min(2014)
  @Max(2100)
  year!: number;

  @Field()
  @IsDate()
  deadline!: Date;

  @Field(() => [NaCallDocumentInput], { nullable: true, description: 'At most 30.' })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  documents?: NaCallDocumentInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(URL_OPTIONS, { message: 'link must be an http(s) address' })
  link?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  notes?: string;
}

@InputType({ description: 'Fields left out stay as they are; null clears link or notes.' })
export class UpdateNaCallInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => NaAction, { nullable: true })
  @IsOptional()
  action?: NaAction;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 300)
  title?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(2014)
  @Max(2100)
  year?: number;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  deadline?: Date;

  @Field(() => [NaCallDocumentInput], { nullable: true, description: 'Replaces the list.' })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  documents?: NaCallDocumentInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(URL_OPTIONS, { message: 'link must be an http(s) address' })
  link?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  notes?: string | null;
}

@InputType({ description: 'A unit’s request for the coming year: months for student types (SMS, SMT), days for staff types (STA, STT).' })
export class SubmitQuotaRequestInput {
  @Field(() => ID, { description: 'A faculty or department of the university.' })
  unitId!: string;

  @Field()
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => Int)
  @Min(1)
  @Max(1000)
  mobilities!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(12000)
  months?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(60000)
  days?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string;
}

@InputType({ description: 'A submitted request changed (the unit’s coordinator or the office); fields left out stay as they are.' })
export class UpdateQuotaRequestInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(1000)
  mobilities?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(12000)
  months?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(60000)
  days?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string | null;
}

@InputType()
export class CreateNaProposalInput {
  @Field(() => ID)
  naCallId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  notes?: string;
}

@InputType({ description: 'One activity type of a proposal.' })
export class NaProposalLineInput {
  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => Int)
  @Min(0)
  @Max(100000)
  mobilities!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(1200000)
  months?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(6000000)
  days?: number;

  @Field(() => String, { nullable: true, description: 'Requested budget in euros, e.g. "245000.00".' })
  @IsOptional()
  @IsMoneyAmount()
  budget?: string;
}

@InputType({ description: 'The draft’s lines, replaced as a whole (a line keeps the units it had for its type).' })
export class SetNaProposalLinesInput {
  @Field(() => ID)
  proposalId!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => [NaProposalLineInput], { description: 'One per activity type, at most 4.' })
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  lines!: NaProposalLineInput[];

  @Field(() => String, { nullable: true, description: 'Left out: unchanged; null clears.' })
  @IsOptional()
  @MaxLength(4000)
  notes?: string | null;
}

@InputType()
export class ChangeNaProposalStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => ProposalStatus)
  to!: ProposalStatus;

  @Field(() => String, { nullable: true, description: 'The Agency’s decision date (APPROVED, REJECTED), YYYY-MM-DD.' })
  @IsOptional()
  @IsDay()
  decisionDate?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  note?: string;
}

@InputType({ description: 'A budget line as awarded: mobility categories per activity type, the others contract-wide.' })
export class ContractLineInput {
  @Field(() => BudgetCategory)
  category!: BudgetCategory;

  @Field(() => MobilityType, { nullable: true, description: 'For INDIVIDUAL_SUPPORT and TRAVEL.' })
  @IsOptional()
  mobilityType?: MobilityType;

  @Field({ description: 'Euros, e.g. "182400.00".' })
  @IsMoneyAmount()
  awardedAmount!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100000)
  awardedMobilities?: number;
}

@InputType()
export class ContractReportInput {
  @Field(() => ReportKind)
  kind!: ReportKind;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  dueOn!: string;
}

@InputType({ description: 'A signed grant contract with its budget lines (and, optionally, its reports’ due dates).' })
export class CreateGrantContractInput {
  @Field({ description: 'The grant agreement number; the same string the mobility calls carry in grantContractNumber.' })
  @Length(1, 60)
  number!: string;

  @Field(() => ID, { nullable: true, description: 'The approved proposal it follows (its call is the contract’s call).' })
  @IsOptional()
  proposalId?: string;

  @Field(() => ID, { nullable: true, description: 'The call, when no proposal is recorded.' })
  @IsOptional()
  naCallId?: string;

  @Field(() => NaAction)
  action!: NaAction;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  periodStart!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  periodEnd!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  signedOn?: string;

  @Field(() => Int, { nullable: true, description: 'NEAR_LIMIT threshold in percent of the award (default 90).' })
  @IsOptional()
  @Min(1)
  @Max(100)
  nearLimitPercent?: number;

  @Field(() => [ContractLineInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  lines!: ContractLineInput[];

  @Field(() => [ContractReportInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  reports?: ContractReportInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  notes?: string;
}

@InputType({ description: 'Fields left out stay as they are. Awarded figures change only by amendGrantContract.' })
export class UpdateGrantContractInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  periodStart?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  periodEnd?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  signedOn?: string | null;

  @Field(() => ContractStatus, { nullable: true, description: 'ACTIVE → CLOSED once the final report is accepted.' })
  @IsOptional()
  status?: ContractStatus;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(100)
  nearLimitPercent?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  notes?: string | null;
}

@InputType({ description: 'A line’s new awarded figures; a code the contract does not have yet adds the line.' })
export class AmendmentChangeInput {
  @Field({ description: 'SMS_INDIVIDUAL_SUPPORT, STA_TRAVEL, ORGANISATIONAL_SUPPORT, …' })
  @Matches(LINE_CODE, { message: 'lineCode must be a budget line code (e.g. SMS_INDIVIDUAL_SUPPORT, STA_TRAVEL, ORGANISATIONAL_SUPPORT)' })
  lineCode!: string;

  @Field()
  @IsMoneyAmount()
  awardedAmount!: string;

  @Field(() => Int, { nullable: true, description: 'Left out: unchanged.' })
  @IsOptional()
  @Min(0)
  @Max(100000)
  awardedMobilities?: number;
}

@InputType({ description: 'A supplementary contract (ek sözleşme).' })
export class AmendGrantContractInput {
  @Field(() => ID)
  contractId!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field({ description: 'The amendment’s number or reference.' })
  @Length(1, 100)
  number!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  signedOn!: string;

  @Field()
  @Length(3, 4000)
  reason!: string;

  @Field(() => [AmendmentChangeInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  changes!: AmendmentChangeInput[];
}

@InputType({ description: 'Money spent on a contract-wide line (organisational support, inclusion support, exceptional costs).' })
export class RecordContractSpendingInput {
  @Field(() => ID)
  lineId!: string;

  @Field({ description: 'Euros, e.g. "1250.00".' })
  @IsMoneyAmount()
  amount!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  date!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string;
}

@InputType()
export class AddContractReportInput {
  @Field(() => ID)
  contractId!: string;

  @Field(() => ReportKind)
  kind!: ReportKind;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  dueOn!: string;
}

@InputType({ description: 'Due date or narrative of a report not yet sent; a new due date starts its reminders afresh.' })
export class UpdateContractReportInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDay()
  dueOn?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100000)
  narrative?: string | null;
}

@InputType()
export class ChangeContractReportStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => ReportStatus)
  to!: ReportStatus;

  @Field(() => String, { nullable: true, description: 'Back to IN_PREPARATION: what the Agency asked to change.' })
  @IsOptional()
  @MaxLength(4000)
  note?: string;
}

