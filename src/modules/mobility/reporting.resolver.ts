import { Arg, Authorized, Ctx, Field, Float, ID, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { ApplicationStatus } from './application.entity';
import { APPLICATION_TYPE } from './application.service';
import { MobilityCall } from './call.entity';
import { MobilityProgrammeCode } from './programme.entity';
import {
  grantContractReport,
  ReportedMobilityStatus,
  type GrantContractReportData,
  type ReportedMobilityData,
} from './reporting.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


registerEnumType(ReportedMobilityStatus, {
  name: 'ReportedMobilityStatus',
  description: 'ONGOING: arrival confirmed (LIVE); COMPLETED: departure confirmed (COMPLETED, RECOGNISED).',
});

@ObjectType('ReportedOrganisation', { description: 'A sending or receiving organisation as the Beneficiary Module names it.' })
class ReportedOrganisation {
  @Field(() => String, { nullable: true, description: 'Official (legal) name.' })
  name!: string | null;

  @Field(() => String, { nullable: true })
  erasmusCode!: string | null;

  @Field(() => String, { nullable: true })
  schacCode!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2; for the receiving side the destination of the place.' })
  country!: string | null;
}

@ObjectType('ReportedMobility', { description: 'One mobility of a grant contract, with the fields the EU Beneficiary Module asks for.' })
class ReportedMobility {
  @Field(() => ID, { description: 'The application (MobilityApplication global ID).' })
  applicationId!: string;

  @Field({ description: 'The application number: the mobility ID reported to the National Agency.' })
  number!: string;

  @Field(() => ApplicationStatus)
  applicationStatus!: ApplicationStatus;

  @Field(() => ReportedMobilityStatus)
  status!: ReportedMobilityStatus;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field({ description: 'The Beneficiary Module activity type, e.g. "Student mobility for studies".' })
  activityType!: string;

  @Field(() => MobilityProgrammeCode)
  programme!: MobilityProgrammeCode;

  @Field()
  academicYear!: string;

  @Field(() => String, { nullable: true, description: 'From the account’s display name, split at the last space.' })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'The first citizenship.' })
  nationality!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'From the computed grant; null while none is computed.' })
  fewerOpportunities!: boolean | null;

  @Field(() => String, { nullable: true, description: 'ISCED-F code.' })
  fieldOfEducation!: string | null;

  @Field(() => Int, { nullable: true, description: 'EQF level (students).' })
  eqfLevel!: number | null;

  @Field(() => ReportedOrganisation)
  sending!: ReportedOrganisation;

  @Field(() => String, { nullable: true })
  sendingDepartment!: string | null;

  @Field(() => ReportedOrganisation)
  receiving!: ReportedOrganisation;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: the actual first day, else the planned one.' })
  startDate!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: the actual last day, else the planned one.' })
  endDate!: string | null;

  @Field(() => Int, { nullable: true, description: 'Calendar days, first and last included.' })
  durationDays!: number | null;

  @Field(() => Float, { nullable: true, description: 'durationDays / 30, one decimal.' })
  months!: number | null;

  @Field({ description: 'Zero-grant (hibesiz): every amount is 0.' })
  zeroGrant!: boolean;

  @Field({ description: 'False while the grant is not computed: the amounts are null.' })
  grantComputed!: boolean;

  @Field(() => Float, { nullable: true })
  individualSupport!: number | null;

  @Field(() => Float, { nullable: true })
  topUps!: number | null;

  @Field(() => Float, { nullable: true })
  travel!: number | null;

  @Field(() => Float, { nullable: true })
  total!: number | null;

  @Field(() => Float, { description: 'Sum of the recorded payments.' })
  paid!: number;
}

@ObjectType('GrantContractTotals', { description: 'Totals of reported mobilities (amounts in euros).' })
class GrantContractTotals {
  @Field(() => Int)
  mobilities!: number;

  @Field(() => Int, { description: 'LIVE.' })
  ongoing!: number;

  @Field(() => Int, { description: 'COMPLETED or RECOGNISED.' })
  completed!: number;

  @Field(() => Int, { description: 'Distinct participants.' })
  participants!: number;

  @Field(() => Int, { description: 'Participants with fewer opportunities (per mobility).' })
  fewerOpportunities!: number;

  @Field(() => Int)
  zeroGrant!: number;

  @Field(() => Int, { description: 'Mobilities (not zero-grant) whose grant is not computed yet: their amounts are missing from the sums.' })
  withoutGrant!: number;

  @Field(() => Int, { description: 'Sum of the durations in days.' })
  days!: number;

  @Field(() => Float, { description: 'days / 30, one decimal.' })
  months!: number;

  @Field(() => Float)
  individualSupport!: number;

  @Field(() => Float)
  topUps!: number;

  @Field(() => Float)
  travel!: number;

  @Field(() => Float)
  total!: number;

  @Field(() => Float, { description: 'Sum of the recorded payments (recoveries negative).' })
  paid!: number;
}

@ObjectType('GrantContractActivityTotals', { description: 'Totals of one activity (mobility) type.' })
class GrantContractActivityTotals {
  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field({ description: 'e.g. "Student mobility for studies".' })
  activityType!: string;

  @Field(() => GrantContractTotals)
  totals!: GrantContractTotals;
}

@ObjectType('GrantContractReport', {
  description:
    'The mobilities of a National Agency grant contract (the calls with that grantContractNumber) for the interim and final reports: ' +
    'LIVE mobilities as ongoing, COMPLETED and RECOGNISED ones as completed; earlier states are not mobilities yet. ' +
    'An unknown contract gives an empty report.',
})
class GrantContractReport {
  @Field()
  contractNumber!: string;

  @Field()
  generatedAt!: Date;

  @Field(() => [MobilityCall], { description: 'The calls under the contract.' })
  calls!: MobilityCall[];

  @Field(() => GrantContractTotals)
  totals!: GrantContractTotals;

  @Field(() => [GrantContractActivityTotals], { description: 'Per activity type present (SMS, SMT, STA, STT order).' })
  byActivityType!: GrantContractActivityTotals[];

  @Field(() => [ReportedMobility], { description: 'By application number.' })
  mobilities!: ReportedMobility[];
}

@Resolver(() => GrantContractReport)
class GrantContractReportResolver {
  @Authorized(...OFFICE_ROLES)
  @Query(() => GrantContractReport, {
    description:
      'Office: the National Agency report of a grant contract — totals overall and per activity type, and the mobilities. ' +
      'Downloads for the Beneficiary Module: GET /exports/beneficiary-module.csv|.xlsx?contract=…',
  })
  async grantContractReport(@Arg('contractNumber') contractNumber: string, @Ctx() ctx: RequestContext): Promise<GrantContractReport> {
    const report: GrantContractReportData = await grantContractReport(ctx, contractNumber);
    return { ...report, mobilities: report.mobilities.map(view) };
  }
}

function view(m: ReportedMobilityData): ReportedMobility {
  return { ...m, applicationId: toGlobalId(APPLICATION_TYPE, m.applicationId) };
}

/** GraphQL of this part of the mobility module (registered by mobility.module.ts). */
export const reportingResolvers: Function[] = [GrantContractReportResolver];
