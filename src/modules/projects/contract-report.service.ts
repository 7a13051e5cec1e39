/**
 * The interim and final reports of a grant contract. Until a report is submitted its figures are drawn live from the
 * mobility records (grantContractReport of the mobility module: counts, months, amounts per activity type); on
 * submission they are stored with the report, so that later changes to the mobilities do not alter what was sent.
 * When the Agency asks for changes the report goes back to IN_PREPARATION and its figures are live again.
 */
import DataLoader from 'dataloader';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import { notFound } from '../../platform/errors/domain-error';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { grantContractReport } from '../mobility/reporting.service';
import { OPEN_REPORT_STATES, REPORT_STEPS, type ReportFiguresData } from './project-budget.rules';
import { ContractReport, ContractStatus, GrantContract, ReportStatus } from './project.entity';
import { CONTRACT_TYPE, lockAt, PROJECT_EVENTS, PROJECTS_ARE_THE_OFFICES, REPORT_TYPE, text } from './projects.common';
import { ProjectErrors } from './projects.errors';
import type { AddContractReportInput, ChangeContractReportStatusInput, UpdateContractReportInput } from './projects.inputs';
import { contractById } from './projects.loaders';

export async function getReport(ctx: RequestContext, id: string): Promise<ContractReport | null> {
  if (!ctx.viewer.isOffice) return null;
  return ctx.em.findOne(ContractReport, { id });
}

/** The live figures of a contract, as the mobility module reports them now. */
async function liveFigures(ctx: RequestContext, contractNumber: string): Promise<ReportFiguresData> {
  const report = await grantContractReport(ctx, contractNumber);
  return {
    generatedAt: report.generatedAt.toISOString(),
    totals: { ...report.totals },
    byActivityType: report.byActivityType.map((a) => ({ mobilityType: a.mobilityType, activityType: a.activityType, totals: { ...a.totals } })),
  };
}

/** Live figures per contract number, once per number and operation whatever the number of reports asking. */
const liveFiguresByNumber = defineLoader('projectLiveFigures', (ctx) =>
  new DataLoader<string, ReportFiguresData>((numbers) => Promise.all(numbers.map((n) => liveFigures(ctx, n)))),
);

export interface ReportFiguresView extends ReportFiguresData {
  /** False once submitted: the figures as sent. */
  live: boolean;
}

export async function figuresOf(ctx: RequestContext, report: ContractReport): Promise<ReportFiguresView> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  if (report.snapshot) return { ...report.snapshot, live: false };
  const contract = (await ctx.loader(contractById).load(report.contract.id))!;
  return { ...(await ctx.loader(liveFiguresByNumber).load(contract.number)), live: true };
}

export async function addReport(ctx: RequestContext, input: AddContractReportInput): Promise<ContractReport> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const contractId = fromGlobalId(input.contractId, CONTRACT_TYPE, 'contractId');
  return ctx.transaction(async (tx) => {
    const contract = await tx.em.findOne(GrantContract, { id: contractId });
    if (!contract) throw notFound(CONTRACT_TYPE, input.contractId);
    if (contract.status === ContractStatus.CLOSED) throw ProjectErrors.contractClosed();
    if (await tx.em.findOne(ContractReport, { contract, kind: input.kind })) throw ProjectErrors.reportExists(input.kind);
    const report = tx.em.create(ContractReport, { contract, kind: input.kind, dueOn: input.dueOn } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw ProjectErrors.reportExists(input.kind);
      throw e;
    }
    tx.emit({ type: PROJECT_EVENTS.reportAdded, aggregateType: REPORT_TYPE, aggregateId: report.id, aggregateVersion: report.version, payload: { contractNumber: contract.number, kind: report.kind, dueOn: report.dueOn } });
    return report;
  });
}

/** Due date and narrative of a report not yet sent; a new due date starts the reminders afresh. */
export async function updateReport(ctx: RequestContext, input: UpdateContractReportInput): Promise<ContractReport> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(input.id, REPORT_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const report = await lockAt(tx.em, ContractReport, REPORT_TYPE, id, input.id, input.version);
    if (!OPEN_REPORT_STATES.includes(report.status)) throw ProjectErrors.reportLocked(report.status);
    const changed: string[] = [];
    if (input.dueOn && input.dueOn !== report.dueOn) {
      report.dueOn = input.dueOn;
      report.remindedThresholds = [];
      changed.push('dueOn');
    }
    if (input.narrative !== undefined && (input.narrative || null) !== (report.narrative ?? null)) {
      report.narrative = input.narrative || (null as never);
      changed.push('narrative');
    }
    if (changed.length === 0) return report;
    await tx.em.flush();
    tx.emit({ type: PROJECT_EVENTS.reportUpdated, aggregateType: REPORT_TYPE, aggregateId: report.id, aggregateVersion: report.version, payload: { changed, kind: report.kind } });
    return report;
  });
}

export async function changeReportStatus(ctx: RequestContext, input: ChangeContractReportStatusInput): Promise<ContractReport> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(input.id, REPORT_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const report = await lockAt(tx.em, ContractReport, REPORT_TYPE, id, input.id, input.version);
    const from = report.status;
    const allowed = REPORT_STEPS[from];
    if (!allowed.includes(input.to)) throw ProjectErrors.invalidTransition('report', from, input.to, allowed);
    const contract = await tx.em.findOneOrFail(GrantContract, { id: report.contract.id });
    switch (input.to) {
      case ReportStatus.SUBMITTED:
        // What is sent is what is kept: the figures of this moment.
        report.snapshot = await liveFigures(ctx, contract.number);
        report.submittedAt = new Date();
        report.agencyNote = null as never;
        break;
      case ReportStatus.ACCEPTED:
        report.acceptedAt = new Date();
        break;
      case ReportStatus.IN_PREPARATION:
        if (from === ReportStatus.SUBMITTED) {
          report.snapshot = null;
          report.submittedAt = null as never;
          report.agencyNote = text(input.note) ?? (null as never);
        }
        break;
      default:
        break;
    }
    report.status = input.to;
    await tx.em.flush();
    tx.emit({
      type: PROJECT_EVENTS.reportStatusChanged,
      aggregateType: REPORT_TYPE,
      aggregateId: report.id,
      aggregateVersion: report.version,
      payload: { contractNumber: contract.number, kind: report.kind, from, to: input.to },
    });
    return report;
  });
}
