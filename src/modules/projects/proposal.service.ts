/**
 * The proposal to a National Agency call: requested mobilities and budget per activity type. Its figures come from the
 * units' quota requests (includeQuotaRequests sums them into the lines and marks them INCLUDED) or are set by hand
 * while the proposal is a draft. DRAFT → SUBMITTED → APPROVED or REJECTED, with the Agency's decision date.
 */
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import { notFound } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { fetchLineages } from '../institutions/institution.loaders';
import { PROPOSAL_STEPS } from './project-budget.rules';
import { NaCall, NaProposal, NaProposalLine, ProposalStatus, QuotaRequest, QuotaRequestStatus } from './project.entity';
import { validAcademicYear, canonicalMoney, lockAt, NA_CALL_TYPE, PROJECT_EVENTS, PROJECTS_ARE_THE_OFFICES, PROPOSAL_TYPE, QUOTA_REQUEST_TYPE, text } from './projects.common';
import { ProjectErrors } from './projects.errors';
import type { ChangeNaProposalStatusInput, CreateNaProposalInput, NaProposalLineInput } from './projects.inputs';
import { proposalById } from './projects.loaders';
import { summarise } from './quota-request.service';

const STUDENT_TYPES: readonly MobilityType[] = [MobilityType.SMS, MobilityType.SMT];

export async function listProposals(ctx: RequestContext): Promise<NaProposal[]> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  return ctx.em.find(NaProposal, {}, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: 500 });
}

export async function getProposal(ctx: RequestContext, id: string): Promise<NaProposal | null> {
  if (!ctx.viewer.isOffice) return null;
  return ctx.loader(proposalById).load(id);
}

export async function createProposal(ctx: RequestContext, input: CreateNaProposalInput): Promise<NaProposal> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const callId = fromGlobalId(input.naCallId, NA_CALL_TYPE, 'naCallId');
  return ctx.transaction(async (tx) => {
    if (!(await tx.em.findOne(NaCall, { id: callId }))) throw notFound(NA_CALL_TYPE, input.naCallId);
    const existing = await tx.em.findOne(NaProposal, { naCall: callId });
    if (existing) throw ProjectErrors.proposalExists(toGlobalId(PROPOSAL_TYPE, existing.id));
    const proposal = tx.em.create(NaProposal, { naCall: callId, notes: text(input.notes) } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw ProjectErrors.proposalExists(null);
      throw e;
    }
    tx.emit({ type: PROJECT_EVENTS.proposalCreated, aggregateType: PROPOSAL_TYPE, aggregateId: proposal.id, aggregateVersion: proposal.version, payload: { naCallId: callId } });
    return proposal;
  });
}

async function lockDraft(ctx: RequestContext, globalId: string, version: number): Promise<NaProposal> {
  const id = fromGlobalId(globalId, PROPOSAL_TYPE, 'proposalId');
  const proposal = await lockAt(ctx.em, NaProposal, PROPOSAL_TYPE, id, globalId, version);
  if (proposal.status !== ProposalStatus.DRAFT) throw ProjectErrors.proposalNotDraft(proposal.status);
  return proposal;
}

/** Replaces the draft's lines (a line keeps the units it had for its type); notes when given. */
export async function setProposalLines(ctx: RequestContext, globalId: string, version: number, lines: NaProposalLineInput[], notes?: string | null): Promise<NaProposal> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const seen = new Set<MobilityType>();
  lines.forEach((line, i) => {
    if (seen.has(line.mobilityType)) throw ProjectErrors.duplicateLine(`lines.${i}.mobilityType`, line.mobilityType);
    seen.add(line.mobilityType);
    const student = STUDENT_TYPES.includes(line.mobilityType);
    if (student && line.days != null) throw ProjectErrors.durationMismatch(`lines.${i}.days`, `${line.mobilityType} is student mobility: give months, not days`);
    if (!student && line.months != null) throw ProjectErrors.durationMismatch(`lines.${i}.months`, `${line.mobilityType} is staff mobility: give days, not months`);
  });
  return ctx.transaction(async (tx) => {
    const proposal = await lockDraft(ctx, globalId, version);
    const existing = await tx.em.find(NaProposalLine, { proposal });
    const unitsOf = new Map(existing.map((l) => [l.mobilityType, l.unitIds]));
    existing.forEach((l) => tx.em.remove(l));
    // The old lines go first: the new ones reuse their (proposal, type) keys.
    await tx.em.flush();
    for (const line of lines) {
      tx.em.create(NaProposalLine, {
        proposal,
        mobilityType: line.mobilityType,
        mobilities: line.mobilities,
        months: line.months ?? undefined,
        days: line.days ?? undefined,
        budget: line.budget ? canonicalMoney(line.budget) : undefined,
        unitIds: unitsOf.get(line.mobilityType) ?? [],
      } as never);
    }
    if (notes !== undefined) proposal.notes = text(notes) ?? (null as never);
    proposal.updatedAt = new Date(); // the lines are part of the proposal: its version moves with them
    await tx.em.flush();
    tx.emit({ type: PROJECT_EVENTS.proposalUpdated, aggregateType: PROPOSAL_TYPE, aggregateId: proposal.id, aggregateVersion: proposal.version, payload: { changed: ['lines'] } });
    return proposal;
  });
}

/**
 * Copies the year's quota requests into the draft: the SUBMITTED ones become INCLUDED (and name the proposal), and each
 * activity type's line gets the sums of all requests included in it (mobilities, months, days, the units that asked).
 * A line's budget is left as it is; types nobody asked for keep their lines.
 */
export async function includeQuotaRequests(ctx: RequestContext, globalId: string, version: number, rawYear: string): Promise<NaProposal> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const academicYear = validAcademicYear(rawYear);
  return ctx.transaction(async (tx) => {
    const proposal = await lockDraft(ctx, globalId, version);
    const fresh = await tx.em.find(QuotaRequest, { academicYear, status: QuotaRequestStatus.SUBMITTED }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const already = await tx.em.find(QuotaRequest, { academicYear, status: QuotaRequestStatus.INCLUDED, proposal });
    if (fresh.length + already.length === 0) throw ProjectErrors.noQuotaRequests(academicYear);
    for (const r of fresh) {
      r.status = QuotaRequestStatus.INCLUDED;
      r.proposal = proposal as never;
    }
    const lines = new Map((await tx.em.find(NaProposalLine, { proposal })).map((l) => [l.mobilityType, l]));
    for (const sum of summarise([...already, ...fresh])) {
      const student = STUDENT_TYPES.includes(sum.mobilityType);
      const figures = {
        mobilities: sum.mobilities,
        months: student ? sum.months : (null as never),
        days: student ? (null as never) : sum.days,
        unitIds: sum.units.map((u) => u.unitId),
      };
      const line = lines.get(sum.mobilityType);
      if (line) Object.assign(line, figures);
      else tx.em.create(NaProposalLine, { proposal, mobilityType: sum.mobilityType, ...figures } as never);
    }
    proposal.updatedAt = new Date();
    await tx.em.flush();
    const units = [...new Set(fresh.map((r) => r.unit.id))];
    const lineages = new Map((await fetchLineages(tx.em, units)).map((l, i) => [units[i], l]));
    for (const r of fresh) {
      tx.emit({
        type: PROJECT_EVENTS.quotaRequestStatusChanged,
        aggregateType: QUOTA_REQUEST_TYPE,
        aggregateId: r.id,
        aggregateVersion: r.version,
        scopeUnitIds: lineages.get(r.unit.id) ?? [],
        payload: { academicYear, mobilityType: r.mobilityType, from: QuotaRequestStatus.SUBMITTED, to: QuotaRequestStatus.INCLUDED, proposalId: proposal.id },
      });
    }
    tx.emit({
      type: PROJECT_EVENTS.proposalUpdated,
      aggregateType: PROPOSAL_TYPE,
      aggregateId: proposal.id,
      aggregateVersion: proposal.version,
      payload: { changed: ['lines'], includedRequests: fresh.length, academicYear },
    });
    return proposal;
  });
}

export async function changeProposalStatus(ctx: RequestContext, input: ChangeNaProposalStatusInput): Promise<NaProposal> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(input.id, PROPOSAL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const proposal = await lockAt(tx.em, NaProposal, PROPOSAL_TYPE, id, input.id, input.version);
    const from = proposal.status;
    const allowed = PROPOSAL_STEPS[from];
    if (!allowed.includes(input.to)) throw ProjectErrors.invalidTransition('proposal', from, input.to, allowed);
    if (input.to === ProposalStatus.SUBMITTED) {
      if ((await tx.em.count(NaProposalLine, { proposal })) === 0) throw ProjectErrors.proposalWithoutLines();
      proposal.submittedAt = new Date();
    } else {
      if (!input.decisionDate) throw ProjectErrors.decisionDateRequired();
      proposal.decisionDate = input.decisionDate;
      proposal.decisionNote = text(input.note);
    }
    proposal.status = input.to;
    await tx.em.flush();
    tx.emit({ type: PROJECT_EVENTS.proposalStatusChanged, aggregateType: PROPOSAL_TYPE, aggregateId: proposal.id, aggregateVersion: proposal.version, payload: { from, to: input.to } });
    return proposal;
  });
}
