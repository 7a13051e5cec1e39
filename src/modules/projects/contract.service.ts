/**
 * Grant contracts with the National Agency: the number the mobility calls carry, the period, the awarded budget lines,
 * supplementary contracts (amendments) that change the awarded figures with their history, and spending recorded on
 * the lines that have no mobility grants.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import { notFound } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { contractNumberOf } from '../mobility/reporting.service';
import { budgetOf } from './contract-budget.service';
import { fromCents, isMobilityCategory, lineCode, lineProblem, parseLineCode, toCents } from './project-budget.rules';
import {
  ContractAmendment,
  ContractLine,
  ContractReport,
  ContractSpending,
  ContractStatus,
  GrantContract,
  NaCall,
  NaProposal,
  ProposalStatus,
  ReportKind,
  ReportStatus,
  type AmendmentChangeData,
} from './project.entity';
import {
  canonicalMoney,
  CONTRACT_LINE_TYPE,
  CONTRACT_TYPE,
  lockAt,
  NA_CALL_TYPE,
  PROJECT_EVENTS,
  PROJECTS_ARE_THE_OFFICES,
  PROPOSAL_TYPE,
  text,
} from './projects.common';
import { ProjectErrors } from './projects.errors';
import type { AmendGrantContractInput, CreateGrantContractInput, RecordContractSpendingInput, UpdateGrantContractInput } from './projects.inputs';
import { contractById } from './projects.loaders';

export async function listContracts(ctx: RequestContext, status?: ContractStatus | null): Promise<GrantContract[]> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  return ctx.em.find(GrantContract, status ? { status } : {}, { orderBy: { periodStart: 'desc', number: 'asc' }, limit: 500 });
}

export async function getContract(ctx: RequestContext, id: string): Promise<GrantContract | null> {
  if (!ctx.viewer.isOffice) return null;
  return ctx.loader(contractById).load(id);
}

export async function contractByNumber(ctx: RequestContext, rawNumber: string): Promise<GrantContract | null> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  return ctx.em.findOne(GrantContract, { number: contractNumberOf(rawNumber, 'number') });
}

function checkPeriod(start: string, end: string): void {
  if (end < start) throw ProjectErrors.invalidPeriod();
}

export async function createContract(ctx: RequestContext, input: CreateGrantContractInput): Promise<GrantContract> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const number = contractNumberOf(input.number, 'number');
  checkPeriod(input.periodStart, input.periodEnd);
  const codes = new Set<string>();
  const lines = input.lines.map((line, i) => {
    const problem = lineProblem(line.category, line.mobilityType);
    if (problem) throw ProjectErrors.invalidLine(`lines.${i}.mobilityType`, problem);
    if (!isMobilityCategory(line.category) && line.awardedMobilities != null) {
      throw ProjectErrors.invalidLine(`lines.${i}.awardedMobilities`, `${line.category} has no mobilities`);
    }
    const code = lineCode(line.category, line.mobilityType);
    if (codes.has(code)) throw ProjectErrors.duplicateLine(`lines.${i}`, code);
    codes.add(code);
    return { code, category: line.category, mobilityType: line.mobilityType ?? undefined, awardedAmount: canonicalMoney(line.awardedAmount), awardedMobilities: line.awardedMobilities ?? undefined };
  });
  const kinds = new Set<ReportKind>();
  (input.reports ?? []).forEach((r, i) => {
    if (kinds.has(r.kind)) throw ProjectErrors.duplicateLine(`reports.${i}.kind`, r.kind);
    kinds.add(r.kind);
  });
  const proposalId = input.proposalId ? fromGlobalId(input.proposalId, PROPOSAL_TYPE, 'proposalId') : undefined;
  let callId = input.naCallId ? fromGlobalId(input.naCallId, NA_CALL_TYPE, 'naCallId') : undefined;
  return ctx.transaction(async (tx) => {
    if (proposalId) {
      const proposal = await tx.em.findOne(NaProposal, { id: proposalId });
      if (!proposal) throw notFound(PROPOSAL_TYPE, input.proposalId!);
      if (proposal.status !== ProposalStatus.APPROVED) throw ProjectErrors.proposalNotApproved(proposal.status);
      callId = proposal.naCall.id;
    } else if (callId && !(await tx.em.findOne(NaCall, { id: callId }))) {
      throw notFound(NA_CALL_TYPE, input.naCallId!);
    }
    if (await tx.em.findOne(GrantContract, { number })) throw ProjectErrors.contractNumberTaken();
    const contract = tx.em.create(GrantContract, {
      number,
      proposal: proposalId,
      naCall: callId,
      action: input.action,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      signedOn: input.signedOn ?? undefined,
      nearLimitPercent: input.nearLimitPercent ?? 90,
      notes: text(input.notes),
    } as never);
    for (const line of lines) tx.em.create(ContractLine, { contract, ...line } as never);
    for (const r of input.reports ?? []) tx.em.create(ContractReport, { contract, kind: r.kind, dueOn: r.dueOn } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw ProjectErrors.contractNumberTaken();
      throw e;
    }
    tx.emit({ type: PROJECT_EVENTS.contractCreated, aggregateType: CONTRACT_TYPE, aggregateId: contract.id, aggregateVersion: contract.version, payload: { number, lines: lines.map((l) => l.code) } });
    return contract;
  });
}

export async function updateContract(ctx: RequestContext, input: UpdateGrantContractInput): Promise<GrantContract> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(input.id, CONTRACT_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const contract = await lockAt(tx.em, GrantContract, CONTRACT_TYPE, id, input.id, input.version);
    const changed: string[] = [];
    const from = contract.status;
    if (input.status && input.status !== from) {
      if (from === ContractStatus.CLOSED) throw ProjectErrors.invalidTransition('grant contract', from, input.status, []);
      const final = await tx.em.findOne(ContractReport, { contract, kind: ReportKind.FINAL });
      if (final?.status !== ReportStatus.ACCEPTED) throw ProjectErrors.finalReportNotAccepted();
      contract.status = input.status;
      changed.push('status');
    }
    if (contract.status === ContractStatus.CLOSED && from === ContractStatus.CLOSED) throw ProjectErrors.contractClosed();
    if (input.periodStart && input.periodStart !== contract.periodStart) (contract.periodStart = input.periodStart), changed.push('periodStart');
    if (input.periodEnd && input.periodEnd !== contract.periodEnd) (contract.periodEnd = input.periodEnd), changed.push('periodEnd');
    checkPeriod(contract.periodStart, contract.periodEnd);
    if (input.signedOn !== undefined && (input.signedOn ?? null) !== (contract.signedOn ?? null)) (contract.signedOn = input.signedOn ?? (null as never)), changed.push('signedOn');
    if (input.nearLimitPercent != null && input.nearLimitPercent !== contract.nearLimitPercent) (contract.nearLimitPercent = input.nearLimitPercent), changed.push('nearLimitPercent');
    if (input.notes !== undefined && (text(input.notes) ?? null) !== (contract.notes ?? null)) (contract.notes = text(input.notes) ?? (null as never)), changed.push('notes');
    if (changed.length === 0) return contract;
    await tx.em.flush();
    tx.emit({
      type: PROJECT_EVENTS.contractUpdated,
      aggregateType: CONTRACT_TYPE,
      aggregateId: contract.id,
      aggregateVersion: contract.version,
      payload: { number: contract.number, changed, ...(changed.includes('status') ? { from, to: contract.status } : {}) },
    });
    return contract;
  });
}

/**
 * A supplementary contract: new awarded figures for some lines (a code the contract lacks adds the line), recorded with
 * the figures before and after. A line is never awarded less than has already been paid from it (AWARD_BELOW_PAID).
 */
export async function amendContract(ctx: RequestContext, input: AmendGrantContractInput): Promise<GrantContract> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(input.contractId, CONTRACT_TYPE, 'contractId');
  const seen = new Set<string>();
  const changes = input.changes.map((change, i) => {
    const parsed = parseLineCode(change.lineCode);
    if ('problem' in parsed) throw ProjectErrors.invalidLine(`changes.${i}.lineCode`, parsed.problem);
    if (seen.has(change.lineCode)) throw ProjectErrors.duplicateLine(`changes.${i}.lineCode`, change.lineCode);
    seen.add(change.lineCode);
    if (!isMobilityCategory(parsed.category) && change.awardedMobilities != null) {
      throw ProjectErrors.invalidLine(`changes.${i}.awardedMobilities`, `${parsed.category} has no mobilities`);
    }
    return { ...change, ...parsed, awardedAmount: canonicalMoney(change.awardedAmount), field: `changes.${i}.awardedAmount` };
  });
  return ctx.transaction(async (tx) => {
    const contract = await lockAt(tx.em, GrantContract, CONTRACT_TYPE, id, input.contractId, input.version);
    if (contract.status === ContractStatus.CLOSED) throw ProjectErrors.contractClosed();
    const number = input.number.trim();
    if (await tx.em.findOne(ContractAmendment, { contract, number })) throw ProjectErrors.amendmentExists(number);
    const budget = await budgetOf(tx.em, contract);
    const lines = new Map((await tx.em.find(ContractLine, { contract })).map((l) => [l.code, l]));
    const history: AmendmentChangeData[] = [];
    for (const change of changes) {
      const paid = budget.lines.find((l) => l.code === change.lineCode)?.paidCents ?? 0;
      if (toCents(change.awardedAmount) < paid) throw ProjectErrors.awardBelowPaid(change.field, change.lineCode, fromCents(paid), change.awardedAmount);
      const line = lines.get(change.lineCode);
      const after = change.awardedMobilities ?? line?.awardedMobilities ?? null;
      history.push({
        lineCode: change.lineCode,
        awardedAmountBefore: line?.awardedAmount ?? null,
        awardedAmountAfter: change.awardedAmount,
        awardedMobilitiesBefore: line?.awardedMobilities ?? null,
        awardedMobilitiesAfter: after,
      });
      if (line) {
        line.awardedAmount = change.awardedAmount;
        line.awardedMobilities = after ?? (null as never);
      } else {
        tx.em.create(ContractLine, {
          contract,
          code: change.lineCode,
          category: change.category,
          mobilityType: change.mobilityType ?? undefined,
          awardedAmount: change.awardedAmount,
          awardedMobilities: after ?? undefined,
        } as never);
      }
    }
    const amendment = tx.em.create(ContractAmendment, {
      contract,
      number,
      signedOn: input.signedOn,
      reason: input.reason.trim(),
      changes: history,
      recordedBy: ctx.viewer.subject ?? undefined,
    } as never);
    contract.updatedAt = new Date(); // the awarded figures are the contract's: its version moves with them
    await tx.em.flush();
    tx.emit({
      type: PROJECT_EVENTS.contractAmended,
      aggregateType: CONTRACT_TYPE,
      aggregateId: contract.id,
      aggregateVersion: contract.version,
      payload: { number: contract.number, amendmentId: amendment.id, amendment: number, lines: history.map((h) => h.lineCode) },
    });
    return contract;
  });
}

/** Spending on a contract-wide line (never on a mobility line: those follow the grants). Appended, never changed. */
export async function recordSpending(ctx: RequestContext, input: RecordContractSpendingInput): Promise<ContractSpending> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const lineId = fromGlobalId(input.lineId, CONTRACT_LINE_TYPE, 'lineId');
  return ctx.transaction(async (tx) => {
    const line = await tx.em.findOne(ContractLine, { id: lineId });
    if (!line) throw notFound(CONTRACT_LINE_TYPE, input.lineId);
    if (isMobilityCategory(line.category)) throw ProjectErrors.notASpendingLine(line.code);
    // The contract row is locked: spending and amendments of one contract are serialised.
    const contract = await lockAt(tx.em, GrantContract, CONTRACT_TYPE, line.contract.id, line.contract.id, undefined);
    if (contract.status === ContractStatus.CLOSED) throw ProjectErrors.contractClosed();
    const spending = tx.em.create(ContractSpending, {
      line,
      amount: canonicalMoney(input.amount),
      spentOn: input.date,
      note: text(input.note),
      recordedBy: ctx.viewer.subject ?? undefined,
    } as never);
    await tx.em.flush();
    tx.emit({
      type: PROJECT_EVENTS.spendingRecorded,
      aggregateType: CONTRACT_TYPE,
      aggregateId: contract.id,
      aggregateVersion: contract.version,
      payload: { number: contract.number, lineCode: line.code, amount: spending.amount, spentOn: spending.spentOn },
    });
    return spending;
  });
}
