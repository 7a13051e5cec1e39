/** GraphQL of the projects module, second part: grant contracts, their budget follow-up, reports and deadlines. */
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root, Subscription } from 'type-graphql';
import { OFFICE_ROLES } from '../../platform/auth/viewer';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { contractBudget, contractBudgetWarnings, type BudgetWarningData, type ContractBudgetData } from './contract-budget.service';
import { figuresOf, addReport, changeReportStatus, updateReport, type ReportFiguresView } from './contract-report.service';
import { amendContract, contractByNumber, createContract, getContract, listContracts, recordSpending, updateContract } from './contract.service';
import { deadlineReminderView, DeadlineKind, followDeadlineReminders, projectDeadlines, type DeadlineReminderView, type ProjectDeadlineView } from './deadline.service';
import { BudgetWarningKind, DeadlineThreshold, fromCents, type BudgetLineFigures } from './project-budget.rules';
import {
  BudgetCategory,
  ContractAmendment,
  ContractLine,
  ContractReport,
  ContractSpending,
  ContractStatus,
  GrantContract,
  NaCall,
  NaProposal,
} from './project.entity';
import { CONTRACT_LINE_TYPE, CONTRACT_TYPE, REPORT_TYPE } from './projects.common';
import {
  AddContractReportInput,
  AmendGrantContractInput,
  ChangeContractReportStatusInput,
  CreateGrantContractInput,
  RecordContractSpendingInput,
  UpdateContractReportInput,
  UpdateGrantContractInput,
} from './projects.inputs';
import { contractAmendments, contractById, contractLines, contractReports, lineSpending, naCallById, proposalById } from './projects.loaders';

registerEnumType(BudgetWarningKind, {
  name: 'BudgetWarningKind',
  valuesConfig: {
    OVERSPENT: { description: 'Committed above the award.' },
    NEAR_LIMIT: { description: 'Committed above the contract’s nearLimitPercent of the award (90 % unless set).' },
    MOBILITIES_EXCEEDED: { description: 'More funded mobilities (selected or beyond) than awarded.' },
  },
});
registerEnumType(DeadlineKind, { name: 'ProjectDeadlineKind' });
registerEnumType(DeadlineThreshold, {
  name: 'ProjectDeadlineThreshold',
  description: 'Reports: DUE_IN_30, DUE_IN_7, OVERDUE (each once per due date); proposals: DUE_IN_14 before the call’s deadline.',
});

@ObjectType({ description: 'One budget line followed up: awarded (as amended) against committed and paid; amounts in euros as decimal strings.' })
class ContractBudgetLine {
  @Field(() => ID, { nullable: true, description: 'The contract’s line; null for grants of an activity type the contract has no line for.' })
  lineId!: string | null;

  @Field()
  code!: string;

  @Field(() => BudgetCategory)
  category!: BudgetCategory;

  @Field(() => MobilityType, { nullable: true })
  mobilityType!: MobilityType | null;

  @Field()
  awardedAmount!: string;

  @Field(() => Int, { nullable: true })
  awardedMobilities!: number | null;

  @Field(() => Int, { nullable: true, description: 'Mobility lines: mobilities selected or beyond (zero-grant ones included).' })
  mobilities!: number | null;

  @Field(() => Int, { nullable: true, description: 'Of which zero-grant (committed 0).' })
  zeroGrant!: number | null;

  @Field(() => Int, { nullable: true, description: 'Of which without a computed grant yet (counted 0 until computed).' })
  withoutGrant!: number | null;

  @Field({ description: 'Mobility lines: the computed grants’ part; other lines: the recorded spending.' })
  committed!: string;

  @Field({ description: 'Payments (a grant’s payments split over its parts in proportion); other lines: the recorded spending.' })
  paid!: string;

  @Field({ description: 'Awarded − committed (negative when overspent).' })
  remaining!: string;

  @Field(() => Float, { nullable: true, description: 'Committed in percent of the award, one decimal; null for an award of 0.' })
  usedPercent!: number | null;

  @Field(() => [BudgetWarningKind])
  warnings!: BudgetWarningKind[];
}

@ObjectType()
class ContractBudgetTotals {
  @Field()
  awarded!: string;

  @Field()
  committed!: string;

  @Field()
  paid!: string;

  @Field()
  remaining!: string;
}

@ObjectType({ description: 'A warning of the budget follow-up.' })
class ContractBudgetWarning {
  @Field()
  contractNumber!: string;

  @Field()
  lineCode!: string;

  @Field(() => BudgetWarningKind)
  kind!: BudgetWarningKind;

  @Field()
  awardedAmount!: string;

  @Field()
  committed!: string;

  @Field(() => Float, { nullable: true })
  usedPercent!: number | null;
}

@ObjectType({ description: 'The budget follow-up of a grant contract.' })
class ContractBudget {
  @Field(() => GrantContract)
  contract!: GrantContract;

  @Field()
  generatedAt!: Date;

  @Field(() => [ContractBudgetLine])
  lines!: ContractBudgetLine[];

  @Field(() => ContractBudgetTotals)
  totals!: ContractBudgetTotals;

  @Field(() => [ContractBudgetWarning])
  warnings!: ContractBudgetWarning[];
}

function lineView(l: BudgetLineFigures): ContractBudgetLine {
  return {
    lineId: l.id ? toGlobalId(CONTRACT_LINE_TYPE, l.id) : null,
    code: l.code,
    category: l.category,
    mobilityType: l.mobilityType,
    awardedAmount: fromCents(l.awardedCents),
    awardedMobilities: l.awardedMobilities,
    mobilities: l.mobilities,
    zeroGrant: l.zeroGrant,
    withoutGrant: l.withoutGrant,
    committed: fromCents(l.committedCents),
    paid: fromCents(l.paidCents),
    remaining: fromCents(l.remainingCents),
    usedPercent: l.usedPercent,
    warnings: l.warnings,
  };
}

function warningView(contractNumber: string, l: BudgetLineFigures, kind: BudgetWarningKind): ContractBudgetWarning {
  return { contractNumber, lineCode: l.code, kind, awardedAmount: fromCents(l.awardedCents), committed: fromCents(l.committedCents), usedPercent: l.usedPercent };
}

function budgetView(b: ContractBudgetData): ContractBudget {
  return {
    contract: b.contract,
    generatedAt: b.generatedAt,
    lines: b.lines.map(lineView),
    totals: {
      awarded: fromCents(b.totals.awardedCents),
      committed: fromCents(b.totals.committedCents),
      paid: fromCents(b.totals.paidCents),
      remaining: fromCents(b.totals.remainingCents),
    },
    warnings: b.lines.flatMap((l) => l.warnings.map((k) => warningView(b.contract.number, l, k))),
  };
}

@ObjectType({ description: 'Totals of the reported mobilities (as grantContractReport gives them; amounts in euros).' })
class ContractReportTotals {
  @Field(() => Int) mobilities!: number;
  @Field(() => Int) ongoing!: number;
  @Field(() => Int) completed!: number;
  @Field(() => Int) participants!: number;
  @Field(() => Int) fewerOpportunities!: number;
  @Field(() => Int) zeroGrant!: number;
  @Field(() => Int) withoutGrant!: number;
  @Field(() => Int) days!: number;
  @Field(() => Float) months!: number;
  @Field(() => Float) individualSupport!: number;
  @Field(() => Float) topUps!: number;
  @Field(() => Float) travel!: number;
  @Field(() => Float) total!: number;
  @Field(() => Float) paid!: number;
}

@ObjectType()
class ContractReportActivityFigures {
  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field()
  activityType!: string;

  @Field(() => ContractReportTotals)
  totals!: ContractReportTotals;
}

@ObjectType({ description: 'A report’s figures: live from the mobility records until submitted, then as sent.' })
class ContractReportFigures {
  @Field({ description: 'True while drawn live; false once submitted (the stored snapshot).' })
  live!: boolean;

  @Field()
  generatedAt!: Date;

  @Field(() => ContractReportTotals)
  totals!: ContractReportTotals;

  @Field(() => [ContractReportActivityFigures])
  byActivityType!: ContractReportActivityFigures[];
}

@ObjectType({ description: 'A deadline reminder as the daily job sends it.' })
class ProjectDeadlineReminder {
  @Field(() => DeadlineKind)
  kind!: DeadlineKind;

  @Field(() => DeadlineThreshold)
  threshold!: DeadlineThreshold;

  @Field({ description: 'YYYY-MM-DD' })
  dueOn!: string;

  @Field(() => Int, { description: 'Negative when overdue.' })
  daysLeft!: number;

  @Field(() => String, { nullable: true })
  contractNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The call’s title (proposals).' })
  title!: string | null;

  @Field(() => ID, { nullable: true })
  reportId!: string | null;

  @Field(() => ID, { nullable: true })
  proposalId!: string | null;

  @Field()
  at!: Date;
}

@ObjectType({ description: 'A deadline on the office’s dashboard.' })
class ProjectDeadline {
  @Field(() => DeadlineKind)
  kind!: DeadlineKind;

  @Field({ description: 'The report’s status, or the proposal’s (NO_PROPOSAL when the call has none yet).' })
  status!: string;

  @Field({ description: 'YYYY-MM-DD (a call’s deadline: its UTC date).' })
  dueOn!: string;

  @Field(() => Date, { nullable: true, description: 'A call’s deadline to the minute.' })
  dueAt!: Date | null;

  @Field(() => Int, { description: 'Days from today (UTC) to dueOn; negative when overdue.' })
  daysLeft!: number;

  @Field()
  overdue!: boolean;

  @Field(() => String, { nullable: true })
  contractNumber!: string | null;

  @Field(() => ID, { nullable: true })
  contractId!: string | null;

  @Field(() => ID, { nullable: true })
  reportId!: string | null;

  @Field(() => ID, { nullable: true })
  naCallId!: string | null;

  @Field(() => ID, { nullable: true })
  proposalId!: string | null;

  @Field(() => String, { nullable: true, description: 'The call’s title.' })
  title!: string | null;
}

@Resolver(() => GrantContract)
export class GrantContractResolver {
  @Authorized(...OFFICE_ROLES)
  @Query(() => [GrantContract], { description: 'Office: the grant contracts, latest period first.' })
  grantContracts(@Ctx() ctx: RequestContext, @Arg('status', () => ContractStatus, { nullable: true }) status?: ContractStatus): Promise<GrantContract[]> {
    return listContracts(ctx, status);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => GrantContract, { nullable: true })
  grantContract(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<GrantContract | null> {
    return getContract(ctx, fromGlobalId(id, CONTRACT_TYPE));
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => GrantContract, { nullable: true, description: 'Office: the contract with this number (as the mobility calls carry it).' })
  grantContractByNumber(@Arg('number') number: string, @Ctx() ctx: RequestContext): Promise<GrantContract | null> {
    return contractByNumber(ctx, number);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => ContractBudget, { description: 'Office: the budget follow-up of a contract (awarded, committed, paid, remaining, warnings per line).' })
  async contractBudget(@Arg('contractId', () => ID) contractId: string, @Ctx() ctx: RequestContext): Promise<ContractBudget> {
    return budgetView(await contractBudget(ctx, contractId));
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => [ContractBudgetWarning], {
    description: 'Office: the budget warnings of a contract by its number (for the mobility flow before a grant or a promotion); unknown number: none.',
  })
  async contractBudgetWarnings(@Arg('contractNumber') contractNumber: string, @Ctx() ctx: RequestContext): Promise<ContractBudgetWarning[]> {
    return (await contractBudgetWarnings(ctx, contractNumber)).map((w: BudgetWarningData) => warningView(w.contractNumber, w.line, w.kind as BudgetWarningKind));
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => [ProjectDeadline], {
    description: 'Office: reports not submitted due within withinDays days (or overdue) and call deadlines within them without a submitted proposal, soonest first.',
  })
  projectDeadlines(@Ctx() ctx: RequestContext, @Arg('withinDays', () => Int, { defaultValue: 60 }) withinDays: number): Promise<ProjectDeadlineView[]> {
    return projectDeadlines(ctx, withinDays);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => GrantContract, { description: 'Office: a signed grant contract with its budget lines (and reports’ due dates).' })
  createGrantContract(@Arg('input') input: CreateGrantContractInput, @Ctx() ctx: RequestContext): Promise<GrantContract> {
    return createContract(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => GrantContract, { description: 'Office: period, signature date, near-limit threshold, notes; ACTIVE → CLOSED after the final report is accepted.' })
  updateGrantContract(@Arg('input') input: UpdateGrantContractInput, @Ctx() ctx: RequestContext): Promise<GrantContract> {
    return updateContract(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => GrantContract, { description: 'Office: a supplementary contract changing awarded figures (history in amendments; never below what is paid).' })
  amendGrantContract(@Arg('input') input: AmendGrantContractInput, @Ctx() ctx: RequestContext): Promise<GrantContract> {
    return amendContract(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContractSpending, { description: 'Office: spending on a contract-wide line (organisational support, inclusion support, exceptional costs).' })
  recordContractSpending(@Arg('input') input: RecordContractSpendingInput, @Ctx() ctx: RequestContext): Promise<ContractSpending> {
    return recordSpending(ctx, input);
  }

  @Subscription(() => ProjectDeadlineReminder, {
    description: 'Office: deadline reminders as the daily job sends them (reports due in 30 and 7 days or overdue; draft proposals 14 days before the call’s deadline).',
    subscribe: ({ context }) => followDeadlineReminders(context as RequestContext),
  })
  projectDeadlineReminders(@Root() event: DeliveredEvent): DeadlineReminderView {
    return deadlineReminderView(event);
  }

  @FieldResolver(() => ID)
  id(@Root() contract: GrantContract): string {
    return toGlobalId(CONTRACT_TYPE, contract.id);
  }

  @FieldResolver(() => NaCall, { nullable: true })
  async naCall(@Root() contract: GrantContract, @Ctx() ctx: RequestContext): Promise<NaCall | null> {
    return contract.naCall ? ctx.loader(naCallById).load(contract.naCall.id) : null;
  }

  @FieldResolver(() => NaProposal, { nullable: true })
  async proposal(@Root() contract: GrantContract, @Ctx() ctx: RequestContext): Promise<NaProposal | null> {
    return contract.proposal ? ctx.loader(proposalById).load(contract.proposal.id) : null;
  }

  @FieldResolver(() => [ContractLine], { description: 'The budget lines with their current (amended) awarded figures, by code.' })
  lines(@Root() contract: GrantContract, @Ctx() ctx: RequestContext): Promise<ContractLine[]> {
    return ctx.loader(contractLines).load(contract.id);
  }

  @FieldResolver(() => [ContractAmendment], { description: 'Supplementary contracts, oldest first, each with the figures before and after.' })
  amendments(@Root() contract: GrantContract, @Ctx() ctx: RequestContext): Promise<ContractAmendment[]> {
    return ctx.loader(contractAmendments).load(contract.id);
  }

  @FieldResolver(() => [ContractReport], { description: 'The interim and final reports.' })
  reports(@Root() contract: GrantContract, @Ctx() ctx: RequestContext): Promise<ContractReport[]> {
    return ctx.loader(contractReports).load(contract.id);
  }
}

@Resolver(() => ContractLine)
export class ContractLineResolver {
  @FieldResolver(() => ID)
  id(@Root() line: ContractLine): string {
    return toGlobalId(CONTRACT_LINE_TYPE, line.id);
  }

  @FieldResolver(() => [ContractSpending], { description: 'Recorded spending (contract-wide lines), by date.' })
  spending(@Root() line: ContractLine, @Ctx() ctx: RequestContext): Promise<ContractSpending[]> {
    return ctx.loader(lineSpending).load(line.id);
  }
}

@Resolver(() => ContractReport)
export class ContractReportResolver {
  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContractReport, { description: 'Office: a contract’s INTERIM or FINAL report with its due date.' })
  addContractReport(@Arg('input') input: AddContractReportInput, @Ctx() ctx: RequestContext): Promise<ContractReport> {
    return addReport(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContractReport, { description: 'Office: due date or narrative of a report not yet submitted.' })
  updateContractReport(@Arg('input') input: UpdateContractReportInput, @Ctx() ctx: RequestContext): Promise<ContractReport> {
    return updateReport(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContractReport, {
    description: 'Office: NOT_STARTED → IN_PREPARATION → SUBMITTED (the figures are stored as sent) → ACCEPTED, or back to IN_PREPARATION when the Agency asks for changes.',
  })
  changeContractReportStatus(@Arg('input') input: ChangeContractReportStatusInput, @Ctx() ctx: RequestContext): Promise<ContractReport> {
    return changeReportStatus(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() report: ContractReport): string {
    return toGlobalId(REPORT_TYPE, report.id);
  }

  @FieldResolver(() => GrantContract)
  async contract(@Root() report: ContractReport, @Ctx() ctx: RequestContext): Promise<GrantContract> {
    return (await ctx.loader(contractById).load(report.contract.id))!;
  }

  @FieldResolver(() => ContractReportFigures, { description: 'Counts, months and amounts per activity type: live until submitted, then as sent.' })
  async figures(@Root() report: ContractReport, @Ctx() ctx: RequestContext): Promise<ContractReportFigures> {
    const f: ReportFiguresView = await figuresOf(ctx, report);
    return { ...f, generatedAt: new Date(f.generatedAt) } as unknown as ContractReportFigures;
  }
}

export const contractResolvers: Function[] = [GrantContractResolver, ContractLineResolver, ContractReportResolver];
