import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, type ConnectionShape } from '../../platform/graphql/relay';
import { UserAccount } from '../accounts/user-account.entity';
import { descendantUnitIds } from '../agreements/agreement.service';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { Institution } from '../institutions/institution.entity';
import { requireHomeInstitution, INSTITUTION_TYPE } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { ResearchCall, ResearchCallStatus, ResearchSupportNote, ResearchSupportRequest, ResearchSupportStatus as S } from './research.entity';
import { ResearchErrors } from './research.errors';
import type { FileResearchSupportRequestInput, ResearchSupportListArgs, ResearchSupportNoteInput } from './research.inputs';
import { researchSupportNotes, researchSupportRequestById } from './research.loaders';
import { allowedSupportMoves, canMoveSupport, type SupportActor } from './research.rules';
import { RESEARCH_CALL_TYPE } from './research-call.service';

export const SUPPORT_REQUEST_TYPE = 'ResearchSupportRequest';

/** Status events carry `applicantSubject` and the unit lineage, so the shared status-event audience rule applies. */
export const SUPPORT_EVENTS = { statusChanged: 'researchSupportRequest.statusChanged' };

// --- Access ----------------------------------------------------------------------------------------------------------------

/**
 * Row scope of support requests (a researcher's plans are personal): the office sees all; a coordinator the requests
 * recorded under their units (and below) and their own; everyone else only their own.
 */
async function scopeFilter(ctx: RequestContext): Promise<FilterQuery<ResearchSupportRequest> | undefined> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (ctx.viewer.isOffice) return undefined;
  const own: FilterQuery<ResearchSupportRequest> = { researcherSubject: ctx.viewer.subject! };
  if (!ctx.viewer.has('COORDINATOR')) return own;
  const units = await descendantUnitIds(ctx.em, [...ctx.viewer.units]);
  return { $or: [own, { unit: { $in: units } }] };
}

export async function canRead(ctx: RequestContext, request: ResearchSupportRequest): Promise<boolean> {
  if (ctx.viewer.isOffice) return true;
  if (!ctx.viewer.authenticated) return false;
  if (request.researcherSubject === ctx.viewer.subject) return true;
  return !!request.unit && ctx.viewer.coordinates(await ctx.loader(unitLineage).load(request.unit.id));
}

/** A request by uuid, or null when it does not exist or the viewer may not read it (nothing is revealed). */
export async function getSupportRequest(ctx: RequestContext, id: string): Promise<ResearchSupportRequest | null> {
  const request = await ctx.loader(researchSupportRequestById).load(id);
  return request && (await canRead(ctx, request)) ? request : null;
}

export async function listSupportRequests(ctx: RequestContext, args: ResearchSupportListArgs): Promise<ConnectionShape<ResearchSupportRequest>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<ResearchSupportRequest>[] = [];
  const scope = await scopeFilter(ctx);
  if (scope) where.push(scope);
  const filter = args.filter;
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.callId) where.push({ call: fromGlobalId(filter.callId, RESEARCH_CALL_TYPE, 'filter.callId') });
  if (filter?.assignedTo) where.push({ assignedTo: filter.assignedTo });
  return findPage(ctx.em, ResearchSupportRequest, where.length ? { $and: where } : {}, [
    { field: 'deadline', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

/** Notes the viewer may read: the office all, everyone else the messages (never internal notes). */
export async function notesOf(ctx: RequestContext, request: ResearchSupportRequest): Promise<ResearchSupportNote[]> {
  const notes = await ctx.loader(researchSupportNotes).load(request.id);
  return ctx.viewer.isOffice ? notes : notes.filter((n) => !n.internal);
}

/** Who handles it: the office and the unit's coordinators see the staff member; the researcher reads "office". */
export function assigneeShownTo(ctx: RequestContext, request: ResearchSupportRequest): string | null {
  if (!request.assignedTo) return null;
  if (ctx.viewer.isOffice) return request.assignedTo;
  return request.researcherSubject !== ctx.viewer.subject && ctx.viewer.has('COORDINATOR') ? request.assignedTo : 'office';
}

// --- The researcher's steps --------------------------------------------------------------------------------------------------

/** Any signed-in person files a request as a researcher (APPLICANT or COORDINATOR tokens; staff too). */
export async function fileSupportRequest(ctx: RequestContext, input: FileResearchSupportRequestInput): Promise<ResearchSupportRequest> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!!input.callId === !!input.externalCall?.trim()) throw ResearchErrors.callChoice();
  const callId = input.callId ? fromGlobalId(input.callId, RESEARCH_CALL_TYPE, 'callId') : undefined;
  const unitId = input.unitId ? fromGlobalId(input.unitId, UNIT_TYPE, 'unitId') : undefined;
  const partnerIds = [...new Set((input.partnerInstitutionIds ?? []).map((g, i) => fromGlobalId(g, INSTITUTION_TYPE, `partnerInstitutionIds[${i}]`)))];
  if (new Set(input.helpNeeded).size !== input.helpNeeded.length) throw ResearchErrors.duplicateHelp();
  return ctx.transaction(async (tx) => {
    let call: ResearchCall | null = null;
    if (callId) {
      call = await tx.em.findOne(ResearchCall, { id: callId });
      if (!call || call.status === ResearchCallStatus.DRAFT) throw ResearchErrors.callNotOpen();
    }
    const deadline = input.deadline ?? (call ? nextDeadline(call) : undefined);
    if (!deadline) throw ResearchErrors.deadlineRequired();
    if (deadline <= new Date()) throw ResearchErrors.deadlineInPast();
    if (unitId) await assertHomeUnit(tx.em, unitId);
    if (partnerIds.length && (await tx.em.count(Institution, { id: { $in: partnerIds } })) !== partnerIds.length) {
      throw ResearchErrors.institutionsNotFound('partnerInstitutionIds');
    }
    const request = tx.em.create(ResearchSupportRequest, {
      researcherSubject: ctx.viewer.subject!,
      researcherName: input.researcherName.trim(),
      researcherEmail: input.researcherEmail?.trim(),
      unit: unitId,
      call: call?.id,
      externalCall: input.externalCall?.trim() || undefined,
      proposalTitle: input.proposalTitle?.trim() || undefined,
      partnersSought: input.partnersSought?.trim() || undefined,
      partnerInstitutionIds: partnerIds,
      role: input.role,
      helpNeeded: input.helpNeeded,
      deadline,
      description: input.description.trim(),
    } as never);
    await tx.em.flush();
    await emitStep(tx, request, null);
    return request;
  });
}

export async function withdrawSupportRequest(ctx: RequestContext, globalId: string, version: number): Promise<ResearchSupportRequest> {
  return step(ctx, globalId, version, 'RESEARCHER', S.WITHDRAWN, (request) => {
    request.closedAt = new Date();
  });
}

// --- The office's steps ------------------------------------------------------------------------------------------------------

/**
 * Assigns (or reassigns) a staff member; a SUBMITTED request is taken on (IN_PROGRESS). Subjects of known accounts must
 * be office accounts; subjects the hub has no account for (SSO users it never recorded) are taken as given.
 */
export async function assignSupportRequest(ctx: RequestContext, globalId: string, version: number, staffSubject: string): Promise<ResearchSupportRequest> {
  assertOffice(ctx, 'Support requests are assigned by the office');
  const subject = staffSubject.trim();
  return ctx.transaction(async (tx) => {
    const account = await tx.em.findOne(UserAccount, { subject });
    if (!subject || (account && !account.roles.some((r) => r === 'STAFF' || r === 'ADMIN'))) throw ResearchErrors.notStaff(subject);
    const request = await lockRequest(tx.em, globalId, version);
    if (request.status !== S.SUBMITTED && request.status !== S.IN_PROGRESS) throw ResearchErrors.requestClosed(request.status);
    const from = request.status;
    request.assignedTo = subject;
    request.assignedAt = new Date();
    request.status = S.IN_PROGRESS;
    await tx.em.flush();
    await emitStep(tx, request, from);
    return request;
  });
}

export async function completeSupportRequest(ctx: RequestContext, globalId: string, version: number): Promise<ResearchSupportRequest> {
  return step(ctx, globalId, version, 'OFFICE', S.COMPLETED, (request) => {
    request.closedAt = new Date();
  });
}

export async function declineSupportRequest(ctx: RequestContext, globalId: string, version: number, reason: string): Promise<ResearchSupportRequest> {
  return step(ctx, globalId, version, 'OFFICE', S.DECLINED, (request) => {
    request.declineReason = reason.trim();
    request.closedAt = new Date();
  });
}

/**
 * Adds a note: the office writes internal notes (never shown to the researcher) or messages; the researcher (and
 * nobody else outside the office) writes messages on their own request.
 */
export async function addNote(ctx: RequestContext, input: ResearchSupportNoteInput): Promise<ResearchSupportNote> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(input.requestId, SUPPORT_REQUEST_TYPE, 'requestId');
  const office = ctx.viewer.isOffice;
  return ctx.transaction(async (tx) => {
    const request = await tx.em.findOne(ResearchSupportRequest, { id });
    if (!request || (!office && request.researcherSubject !== ctx.viewer.subject)) throw notFound(SUPPORT_REQUEST_TYPE, input.requestId);
    if (!office && input.internal) throw ResearchErrors.researcherNoteInternal();
    const note = tx.em.create(ResearchSupportNote, {
      request,
      internal: office ? !!input.internal : false,
      author: ctx.viewer.subject!,
      byOffice: office,
      body: input.body.trim(),
      at: new Date(),
    });
    await tx.em.flush();
    return note;
  });
}

// --- Helpers ------------------------------------------------------------------------------------------------------------------

async function step(
  ctx: RequestContext,
  globalId: string,
  version: number,
  actor: SupportActor,
  to: S,
  apply: (request: ResearchSupportRequest) => void,
): Promise<ResearchSupportRequest> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (actor === 'OFFICE') assertOffice(ctx, 'This step is the office’s');
  return ctx.transaction(async (tx) => {
    const request = await lockRequest(tx.em, globalId, undefined);
    // A researcher's step on someone else's request: the request is not theirs to know of.
    if (actor === 'RESEARCHER' && request.researcherSubject !== ctx.viewer.subject) throw notFound(SUPPORT_REQUEST_TYPE, globalId);
    if (request.version !== version) throw versionConflict(SUPPORT_REQUEST_TYPE, version, request.version);
    if (!canMoveSupport(request.status, to, actor)) throw ResearchErrors.invalidTransition(request.status, to, allowedSupportMoves(request.status, actor));
    const from = request.status;
    request.status = to;
    apply(request);
    await tx.em.flush();
    await emitStep(tx, request, from);
    return request;
  });
}

async function lockRequest(em: EntityManager, globalId: string, version: number | undefined): Promise<ResearchSupportRequest> {
  const id = fromGlobalId(globalId, SUPPORT_REQUEST_TYPE, 'id');
  const request = await em.findOne(ResearchSupportRequest, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!request) throw notFound(SUPPORT_REQUEST_TYPE, globalId);
  if (version !== undefined && request.version !== version) throw versionConflict(SUPPORT_REQUEST_TYPE, version, request.version);
  return request;
}

async function emitStep(tx: Transaction, request: ResearchSupportRequest, from: S | null): Promise<void> {
  const scopeUnitIds = request.unit ? ((await fetchLineages(tx.em, [request.unit.id]))[0] ?? []) : [];
  tx.emit({
    type: SUPPORT_EVENTS.statusChanged,
    aggregateType: SUPPORT_REQUEST_TYPE,
    aggregateId: request.id,
    aggregateVersion: request.version,
    scopeUnitIds,
    payload: { applicantSubject: request.researcherSubject, from, to: request.status, callId: request.call?.id ?? null },
  });
}

/** The next deadline of a followed call that has not passed (first stage, else second). */
function nextDeadline(call: ResearchCall): Date | undefined {
  const now = new Date();
  return [call.deadline, call.secondStageDeadline].find((d): d is Date => !!d && d > now);
}

async function assertHomeUnit(em: EntityManager, unitId: string): Promise<void> {
  const home = await requireHomeInstitution(em);
  if (!(await em.count(OrganisationalUnit, { id: unitId, institution: home.id }))) throw ResearchErrors.unitNotHome();
}

