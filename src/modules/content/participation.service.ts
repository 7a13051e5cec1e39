import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { findPage } from '../../platform/db/pagination';
import { invalidInput, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { ContentItem } from './content.entity';
import { isLive, seesUnpublished } from './content.visibility';
import { ParticipantRole, ParticipationRequest, ParticipationStatus } from './participation-request.entity';
import type { DecideParticipationRequestInput, ParticipationRequestFilter, RequestParticipationInput } from './participation.inputs';
import { ParticipationErrors } from './registration.errors';
import { contentById } from './content.loaders';
import { contentUuid } from './content.service';
import { approvedParticipantsOf, participationCounts, participationRequestById } from './registration.loaders';
import { isPlausibleEmail, takesParticipationRequests } from './registration.rules';
import { assertOffice } from '../../platform/auth/office';

export const PARTICIPATION_TYPE = 'ParticipationRequest';

export const PARTICIPATION_EVENTS = {
  requested: 'participationRequest.requested',
  decided: 'participationRequest.decided',
  withdrawn: 'participationRequest.withdrawn',
};

/** The lifecycle: the office decides a pending request; the requester may withdraw while it is open. */
export const PARTICIPATION_TRANSITIONS: Record<ParticipationStatus, ParticipationStatus[]> = {
  PENDING: [ParticipationStatus.APPROVED, ParticipationStatus.REJECTED, ParticipationStatus.WITHDRAWN],
  APPROVED: [ParticipationStatus.WITHDRAWN],
  REJECTED: [],
  WITHDRAWN: [],
};

export const OPEN_STATUSES = [ParticipationStatus.PENDING, ParticipationStatus.APPROVED];

export const MAX_FUNDING = 1_000_000_000;

// --- Helpers --------------------------------------------------------------------------------------------------------

/** "1250.5" → "1250.50", as numeric(12,2) returns it. */
function canonicalAmount(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  return `${BigInt(whole).toString()}.${fraction.padEnd(2, '0')}`;
}

// --- Access ---------------------------------------------------------------------------------------------------------

function assertSignedIn(ctx: RequestContext): string {
  if (!ctx.viewer.authenticated || !ctx.viewer.subject) throw unauthenticated('Sign in to request participation');
  return ctx.viewer.subject;
}

/** What the office alone does here (FORBIDDEN for anyone else). */
const OFFICE_WORK = 'Deciding and listing participation requests is the office’s';

/** The row scope: the office sees every request, a requester their own, nobody else any. */
function maySee(ctx: RequestContext, request: ParticipationRequest): boolean {
  return ctx.viewer.isOffice || (ctx.viewer.subject !== null && request.requesterSubject === ctx.viewer.subject);
}

// --- Reads ----------------------------------------------------------------------------------------------------------

export async function getParticipationRequest(ctx: RequestContext, id: string): Promise<ParticipationRequest | null> {
  if (!ctx.viewer.authenticated) return null;
  const request = await ctx.loader(participationRequestById).load(id);
  return request && maySee(ctx, request) ? request : null;
}

const NEWEST_FIRST = [
  { field: 'createdAt', direction: 'desc' },
  { field: 'id', direction: 'desc' },
] as const;

/** The viewer's own requests, newest first. */
export async function myParticipationRequests(ctx: RequestContext, args: ConnectionArgs): Promise<ConnectionShape<ParticipationRequest>> {
  const subject = assertSignedIn(ctx);
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  return findPage(ctx.em, ParticipationRequest, { requesterSubject: subject }, [...NEWEST_FIRST], page);
}

/** Office: requests, newest first, for one item and/or some statuses. */
export async function listParticipationRequests(
  ctx: RequestContext,
  filter: ParticipationRequestFilter | undefined | null,
  args: ConnectionArgs,
): Promise<ConnectionShape<ParticipationRequest>> {
  assertOffice(ctx, OFFICE_WORK);
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<ParticipationRequest>[] = [];
  if (filter?.contentId) where.push({ content: contentUuid(filter.contentId, 'filter.contentId') });
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  return findPage(ctx.em, ParticipationRequest, where.length ? { $and: where } : {}, [...NEWEST_FIRST], page);
}

/** Office: the approved participants of an announcement or event, in order of decision. */
export async function approvedParticipants(ctx: RequestContext, item: ContentItem): Promise<ParticipationRequest[]> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.loader(approvedParticipantsOf).load(item.id);
}

export async function participationRequestCount(ctx: RequestContext, item: ContentItem): Promise<number> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.loader(participationCounts).load(item.id);
}

/** The item a request is about, when the viewer may still see it (an archived item is office-only). */
export async function contentOfRequest(ctx: RequestContext, request: ParticipationRequest): Promise<ContentItem | null> {
  const item = await ctx.loader(contentById).load(request.content.id);
  if (!item) return null;
  return seesUnpublished(ctx.viewer) || isLive(item) ? item : null;
}

// --- Changes --------------------------------------------------------------------------------------------------------

export async function requestParticipation(ctx: RequestContext, input: RequestParticipationInput): Promise<ParticipationRequest> {
  const subject = assertSignedIn(ctx);
  const contentId = contentUuid(input.contentId, 'contentId');
  const now = new Date();
  const item = await ctx.em.findOne(ContentItem, { id: contentId });
  if (!item || (!seesUnpublished(ctx.viewer) && !isLive(item, now))) throw ParticipationErrors.contentNotFound(input.contentId);
  if (!takesParticipationRequests(item)) throw ParticipationErrors.notAConference(item.type, item.kind ?? null);
  if (!isLive(item, now)) throw ParticipationErrors.notLive();
  const endsAt = item.endsAt ?? item.startsAt;
  if (endsAt && endsAt < now) throw ParticipationErrors.ended();
  // Applicants are students; staff roles are for staff and coordinators.
  if (!ctx.viewer.has('COORDINATOR', 'STAFF', 'ADMIN') && input.role !== ParticipantRole.STUDENT) throw ParticipationErrors.roleNotAllowed();

  const requesterName = input.requesterName.trim();
  if (!requesterName) throw invalidInput('requesterName', 'requesterName must not be blank');
  const requesterEmail = input.requesterEmail?.trim() || undefined;
  if (requesterEmail && !isPlausibleEmail(requesterEmail)) throw invalidInput('requesterEmail', 'requesterEmail is not a valid e-mail address');
  const purpose = input.purpose.trim();
  if (!purpose) throw invalidInput('purpose', 'purpose must not be blank');
  const fundingRequested = input.fundingRequested ? canonicalAmount(input.fundingRequested) : undefined;
  if (fundingRequested && Number(fundingRequested) > MAX_FUNDING) throw ParticipationErrors.fundingOutOfRange();
  if (fundingRequested && !input.fundingCurrency) throw ParticipationErrors.currencyRequired();
  if (!fundingRequested && input.fundingCurrency) throw ParticipationErrors.fundingRequired();

  return ctx.transaction(async (tx) => {
    const open = await tx.em.findOne(ParticipationRequest, { content: contentId, requesterSubject: subject, status: { $in: OPEN_STATUSES } });
    if (open) throw ParticipationErrors.alreadyRequested(toGlobalId(PARTICIPATION_TYPE, open.id));
    const request = tx.em.create(ParticipationRequest, {
      content: contentId,
      requesterSubject: subject,
      requesterName,
      requesterEmail,
      role: input.role,
      purpose,
      fundingRequested,
      fundingCurrency: fundingRequested ? input.fundingCurrency! : undefined,
      status: ParticipationStatus.PENDING,
    } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      // Two requests racing past the check: the partial unique index keeps one open request per person and item.
      if (e instanceof UniqueConstraintViolationException) throw ParticipationErrors.alreadyRequested(null);
      throw e;
    }
    tx.emit({
      type: PARTICIPATION_EVENTS.requested,
      aggregateType: PARTICIPATION_TYPE,
      aggregateId: request.id,
      aggregateVersion: request.version,
      payload: { contentId, status: request.status },
    });
    return request;
  });
}

export async function withdrawParticipationRequest(ctx: RequestContext, globalId: string, version: number): Promise<ParticipationRequest> {
  const subject = assertSignedIn(ctx);
  const id = fromGlobalId(globalId, PARTICIPATION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const request = await tx.em.findOne(ParticipationRequest, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!request || (!ctx.viewer.isOffice && request.requesterSubject !== subject)) throw notFound(PARTICIPATION_TYPE, globalId);
    if (request.requesterSubject !== subject) throw ParticipationErrors.notYours();
    return transition(tx, request, version, ParticipationStatus.WITHDRAWN, PARTICIPATION_EVENTS.withdrawn, () => undefined);
  });
}

export async function decideParticipationRequest(ctx: RequestContext, input: DecideParticipationRequestInput): Promise<ParticipationRequest> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, PARTICIPATION_TYPE, 'id');
  const to = input.approve ? ParticipationStatus.APPROVED : ParticipationStatus.REJECTED;
  return ctx.transaction(async (tx) => {
    const request = await tx.em.findOne(ParticipationRequest, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!request) throw notFound(PARTICIPATION_TYPE, input.id);
    // Only pending requests are decided (the transitions say so): a decision is not changed by deciding again.
    return transition(tx, request, input.version, to, PARTICIPATION_EVENTS.decided, (r) => {
      r.decidedBy = ctx.viewer.subject ?? undefined;
      r.decidedAt = new Date();
      r.decisionNote = input.note?.trim() || undefined;
    });
  });
}

async function transition(
  tx: Transaction,
  request: ParticipationRequest,
  version: number,
  to: ParticipationStatus,
  eventType: string,
  apply: (request: ParticipationRequest) => void,
): Promise<ParticipationRequest> {
  if (request.version !== version) throw versionConflict(PARTICIPATION_TYPE, version, request.version);
  const from = request.status;
  const allowed = PARTICIPATION_TRANSITIONS[from];
  if (!allowed.includes(to)) throw ParticipationErrors.invalidTransition(from, to, allowed);
  request.status = to;
  apply(request);
  await tx.em.flush();
  tx.emit({
    type: eventType,
    aggregateType: PARTICIPATION_TYPE,
    aggregateId: request.id,
    aggregateVersion: request.version,
    payload: { contentId: request.content.id, from, to },
  });
  return request;
}
