import { IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MobilityType } from '../agreements/agreement.entity';
import { ACADEMIC_YEAR, YEAR_MESSAGE } from '../agreements/agreement.inputs';
import { GrantBasis } from './grant.entity';
import { MobilityProgrammeCode } from './programme.entity';

export enum GrantTravelPolicy {
  ALWAYS = 'ALWAYS',
  FEWER_OPPORTUNITIES = 'FEWER_OPPORTUNITIES',
  NEVER = 'NEVER',
}
registerEnumType(GrantTravelPolicy, { name: 'GrantTravelPolicy', description: 'Whether travel is funded: always, only with fewer opportunities, never.' });

export enum GrantPart {
  INDIVIDUAL_SUPPORT = 'INDIVIDUAL_SUPPORT',
  TOP_UP = 'TOP_UP',
  TRAVEL = 'TRAVEL',
}
registerEnumType(GrantPart, { name: 'GrantPart' });

export enum GrantQuantityUnit {
  MONTH = 'MONTH',
  DAY = 'DAY',
  ONE_OFF = 'ONE_OFF',
}
registerEnumType(GrantQuantityUnit, { name: 'GrantQuantityUnit' });

// --- Rates: one class is both the output and the input shape (checked by grant.rules checkGrantRates, INVALID_RATES). ---

@ObjectType('GrantCountryGroup')
@InputType('GrantCountryGroupInput')
export class GrantCountryGroupShape {
  @Field({ description: 'e.g. G1, R5.' })
  code!: string;

  @Field({ description: 'Shown in the working, e.g. "group 3".' })
  label!: string;

  @Field(() => [String], { description: 'ISO 3166-1 alpha-2 codes; a country belongs to at most one group.' })
  countries!: string[];
}

@ObjectType('GrantMonthlyRate')
@InputType('GrantMonthlyRateInput')
export class GrantMonthlyRateShape {
  @Field()
  group!: string;

  @Field(() => MobilityType, { description: 'SMS or SMT (long student mobility).' })
  mobilityType!: MobilityType;

  @Field(() => Float, { description: '€ per month.' })
  rate!: number;
}

@ObjectType('GrantDailyRate')
@InputType('GrantDailyRateInput')
export class GrantDailyRateShape {
  @Field({ description: 'A group code, or * for any destination without a row of its own.' })
  group!: string;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => Float, { description: '€ per day, days 1-14.' })
  rate!: number;

  @Field(() => Float, { description: '€ per day from day 15 (staff: 70 % of the rate; short student mobility: 56 €).' })
  rateAfterDay14!: number;
}

@ObjectType('GrantMinimumDays')
@InputType('GrantMinimumDaysInput')
export class GrantMinimumDaysShape {
  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => Int, { description: 'Shortest mobility paid by the day (short student mobility, staff).' })
  short!: number;

  @Field(() => Int, { nullable: true, description: 'Shortest long (monthly) student mobility.' })
  long?: number | null;
}

@ObjectType('GrantTopUps')
@InputType('GrantTopUpsInput')
export class GrantTopUpsShape {
  @Field(() => Float, { description: '€ per month of a long mobility (pro rata for the remaining days).' })
  fewerOpportunitiesMonthly!: number;

  @Field(() => Float, { description: 'One-off, short mobility of up to 14 days.' })
  fewerOpportunitiesShort14!: number;

  @Field(() => Float, { description: 'One-off, short mobility of 15 days or more.' })
  fewerOpportunitiesShort30!: number;

  @Field(() => Float, { description: 'One-off, long student mobility travelling green.' })
  greenTravelOneOff!: number;
}

@ObjectType('GrantTravelBand')
@InputType('GrantTravelBandInput')
export class GrantTravelBandShape {
  @Field(() => Int)
  minKm!: number;

  @Field(() => Int, { nullable: true, description: 'Included; null for the last, open band.' })
  maxKm!: number | null;

  @Field(() => Float, { description: '€, round trip.' })
  standard!: number;

  @Field(() => Float, { nullable: true, description: '€, round trip by green means; null: the standard amount applies.' })
  green!: number | null;
}

@ObjectType('GrantTravelRule')
@InputType('GrantTravelRuleInput')
export class GrantTravelRuleShape {
  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => GrantTravelPolicy, { description: 'A mobility paid by the month (long student mobility).' })
  long!: GrantTravelPolicy;

  @Field(() => GrantTravelPolicy, { description: 'A mobility paid by the day (short student mobility, staff).' })
  short!: GrantTravelPolicy;
}

@ObjectType('GrantRates', { description: 'The rates of one programme and call year: data the office enters each year.' })
@InputType('GrantRatesInput')
export class GrantRatesShape {
  @Field({ description: 'EUR.' })
  currency!: string;

  @Field(() => [GrantCountryGroupShape])
  countryGroups!: GrantCountryGroupShape[];

  @Field(() => [GrantMonthlyRateShape])
  monthly!: GrantMonthlyRateShape[];

  @Field(() => [GrantDailyRateShape])
  daily!: GrantDailyRateShape[];

  @Field(() => Int, { description: 'A student mobility shorter than this is a short mobility paid by the day (e.g. 60).' })
  longMobilityMinDays!: number;

  @Field(() => [GrantMinimumDaysShape])
  minimumDays!: GrantMinimumDaysShape[];

  @Field(() => GrantTopUpsShape)
  topUps!: GrantTopUpsShape;

  @Field(() => [GrantTravelBandShape])
  travelBands!: GrantTravelBandShape[];

  @Field(() => [GrantTravelRuleShape])
  travelFor!: GrantTravelRuleShape[];

  @Field(() => [Int], { description: 'The default instalment plan in percent, e.g. [80, 20].' })
  instalments!: number[];
}

@InputType()
export class SetGrantRatesInput {
  @Field(() => MobilityProgrammeCode)
  programme!: MobilityProgrammeCode;

  @Field({ description: 'The call year, e.g. 2027/2028.' })
  @Matches(ACADEMIC_YEAR, { message: YEAR_MESSAGE })
  academicYear!: string;

  @Field(() => GrantRatesShape)
  rates!: GrantRatesShape;

  @Field(() => String, { nullable: true, description: 'Where the figures come from.' })
  @IsOptional()
  @MaxLength(2000)
  source?: string | null;

  @Field(() => Int, { nullable: true, description: 'The version of the table being replaced (optimistic locking); omit to create.' })
  version?: number | null;
}

// --- The grant of a mobility ------------------------------------------------------------------------------------------------

@ObjectType('GrantWorkingLine', { description: 'One line of the working: quantity × rate = amount (rounded to the cent).' })
export class GrantWorkingLineView {
  @Field(() => GrantPart)
  part!: GrantPart;

  @Field()
  label!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => GrantQuantityUnit)
  unit!: GrantQuantityUnit;

  @Field(() => Float, { description: '€ per unit; for remaining days of a monthly amount the unrounded 1/30.' })
  rate!: number;

  @Field(() => Float)
  amount!: number;
}

@ObjectType('GrantInstalment')
export class GrantInstalmentView {
  @Field(() => Int, { description: '1 for the first.' })
  number!: number;

  @Field(() => Int)
  percent!: number;

  @Field(() => Float, { description: 'percent × total, rounded to the cent; the last instalment takes the rest.' })
  amount!: number;

  @Field(() => Float)
  paid!: number;

  @Field(() => Float, { description: 'Negative when more was paid than this instalment now comes to.' })
  outstanding!: number;
}

@InputType()
export class ComputeGrantInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Boolean, { nullable: true, description: 'Default: as computed before, else false.' })
  fewerOpportunities?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Default: as computed before, else false.' })
  greenTravel?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'One-way km by the EU distance calculator. Omitted: as before; null clears it.' })
  @IsOptional()
  @Min(0)
  @Max(40_000)
  distanceKm?: number | null;

  @Field(() => [Int], { nullable: true, description: 'Percent per instalment, adding up to 100. Default: as before, else the rate table’s.' })
  instalmentPlan?: number[] | null;

  @Field(() => GrantBasis, { nullable: true, description: 'Default: ACTUAL when both actual dates are set, else PLANNED.' })
  basis?: GrantBasis | null;

  @Field(() => Int, { nullable: true, description: 'The version of the grant being recomputed (optimistic locking); optional.' })
  version?: number | null;
}

@InputType()
export class RecordGrantPaymentInput {
  @Field(() => ID)
  grantId!: string;

  @Field(() => Int, { description: 'Which instalment of the plan (1 for the first).' })
  instalment!: number;

  @Field(() => Float, { description: '€, two decimals at most; negative for a recovery.' })
  amount!: number;

  @Field({ description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'paidOn is a date written YYYY-MM-DD' })
  paidOn!: string;

  @Field(() => String, { nullable: true, description: 'Bank or accounting reference.' })
  @IsOptional()
  @MaxLength(200)
  reference?: string | null;
}
