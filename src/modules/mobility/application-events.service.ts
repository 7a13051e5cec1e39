import type { DeliveredEvent } from '../../platform/events/outbox';
import { DomainError, unauthenticated } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { ApplicationStatus } from './application.entity';
import { APPLICATION_EVENTS, APPLICATION_TYPE, canRead, getApplication } from './application.service';
import { CALL_TYPE } from './call.service';
import { MobilityErrors } from './mobility.errors';
import { applicationById } from './mobility.loaders';
import { sqlArray } from '../../platform/db/sql-array';

export const MAX_EVENTS_PAGE = 500;

export interface ApplicationEventView {
  cursor: string;
  applicationId: string;
  number: string;
  callId: string;
  from: ApplicationStatus | null;
  to: ApplicationStatus;
  reason: string | null;
  at: Date;
  /** Read afresh when selected, with the subscriber's own access. */
  applicationUuid: string;
}

/**
 * The cursor of an event is its place in the outbox's commit-safe order (transaction id, row id): a client that
 * resumes after it misses nothing that committed later, even from a transaction that started earlier.
 */
export function eventCursor(event: { txid: string; id: string }): string {
  return Buffer.from(`${event.txid}:${event.id}`, 'utf8').toString('base64url');
}

function parseCursor(cursor: string): { txid: string; id: string } {
  const [txid, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (rest.length || !/^\d{1,20}$/.test(txid ?? '') || !/^\d{1,20}$/.test(id ?? '')) throw MobilityErrors.invalidCursor();
  return { txid, id };
}

interface Audience {
  office: boolean;
  subject: string;
  units: readonly string[];
}

/** Who hears about an application: the office, its applicant, and coordinators of its unit or a unit above it. */
function audienceOf(ctx: RequestContext): Audience {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return { office: ctx.viewer.isOffice, subject: ctx.viewer.subject!, units: ctx.viewer.has('COORDINATOR') ? ctx.viewer.units : [] };
}

function hears(audience: Audience, event: Pick<DeliveredEvent, 'scopeUnitIds' | 'payload'>): boolean {
  return audience.office || event.payload.applicantSubject === audience.subject || event.scopeUnitIds.some((u) => audience.units.includes(u));
}

/**
 * Live status changes for a subscriber. Asking for one application one may not read is refused at once (FORBIDDEN),
 * not answered with silence.
 */
export async function followApplicationChanges(
  ctx: RequestContext,
  args: { applicationId?: string | null; callId?: string | null },
): Promise<AsyncIterableIterator<DeliveredEvent>> {
  const audience = audienceOf(ctx);
  const applicationId = args.applicationId ? fromGlobalId(args.applicationId, APPLICATION_TYPE, 'applicationId') : undefined;
  const callId = args.callId ? fromGlobalId(args.callId, CALL_TYPE, 'callId') : undefined;
  if (applicationId) {
    const application = await ctx.loader(applicationById).load(applicationId);
    if (!application || !(await canRead(ctx, application))) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN', 'You may follow only applications you may read', { field: 'applicationId' });
    }
  }
  return ctx.follow(
    (event) =>
      event.type === APPLICATION_EVENTS.statusChanged &&
      (!applicationId || event.aggregateId === applicationId) &&
      (!callId || event.payload.callId === callId) &&
      hears(audience, event),
  );
}

/** An outbox row (delivered live, or read back for catch-up) as the subscriber sees it. */
export function applicationEventView(event: Pick<DeliveredEvent, 'id' | 'txid' | 'aggregateId' | 'payload' | 'occurredAt'>): ApplicationEventView {
  const p = event.payload;
  return {
    cursor: eventCursor(event),
    applicationId: toGlobalId(APPLICATION_TYPE, event.aggregateId),
    applicationUuid: event.aggregateId,
    number: p.number as string,
    callId: toGlobalId(CALL_TYPE, p.callId as string),
    from: (p.from as ApplicationStatus | null) ?? null,
    to: p.to as ApplicationStatus,
    reason: (p.reason as string | undefined) ?? null,
    at: event.occurredAt,
  };
}

export function applicationOfEvent(ctx: RequestContext, view: ApplicationEventView) {
  return getApplication(ctx, view.applicationUuid);
}

/**
 * The status changes after `after` that the viewer may see (the same audience as the subscription), oldest first: a
 * dashboard that reconnects asks with the last cursor it saw and misses nothing. Read in commit-safe order.
 */
export async function applicationEventsAfter(
  ctx: RequestContext,
  args: { after?: string | null; callId?: string | null; applicationId?: string | null; first?: number | null },
): Promise<{ events: ApplicationEventView[]; endCursor: string | null; hasMore: boolean; complete: boolean }> {
  const audience = audienceOf(ctx);
  const first = args.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > MAX_EVENTS_PAGE) {
    throw new DomainError('BAD_USER_INPUT', 'PAGE_SIZE_OUT_OF_RANGE', `first must be between 1 and ${MAX_EVENTS_PAGE}`, { field: 'first' });
  }
  const resuming = args.after !== undefined && args.after !== null;
  const after = resuming ? parseCursor(args.after!) : { txid: '0', id: '0' };
  const clauses = [`type = ?`, `(txid, id) > (?::xid8, ?::bigint)`, `txid < pg_snapshot_xmin(pg_current_snapshot())`];
  const params: unknown[] = [APPLICATION_EVENTS.statusChanged, after.txid, after.id];
  if (args.callId) {
    clauses.push(`payload->>'callId' = ?`);
    params.push(fromGlobalId(args.callId, CALL_TYPE, 'callId'));
  }
  if (args.applicationId) {
    clauses.push(`aggregate_id = ?`);
    params.push(fromGlobalId(args.applicationId, APPLICATION_TYPE, 'applicationId'));
  }
  if (!audience.office) {
    clauses.push(`(payload->>'applicantSubject' = ? or scope_unit_ids && ?::uuid[])`);
    params.push(audience.subject, sqlArray(audience.units));
  }
  const rows = await ctx.em.execute<Record<string, unknown>[]>(
    `select id::text as id, txid::text as txid, aggregate_id, payload, occurred_at
       from outbox_event
      where ${clauses.join(' and ')}
      order by outbox_event.txid, outbox_event.id
      limit ?`,
    [...params, first + 1],
  );
  const events = rows.slice(0, first).map((r) =>
    applicationEventView({
      id: r.id as string,
      txid: r.txid as string,
      aggregateId: r.aggregate_id as string,
      payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
      occurredAt: new Date(r.occurred_at as string),
    }),
  );
  // The outbox keeps OUTBOX_RETENTION_DAYS: once the cursor's own event is pruned, events after it may be gone too.
  let complete = true;
  if (resuming) {
    const [{ kept }] = await ctx.em.execute<{ kept: boolean }[]>(
      `select exists (select 1 from outbox_event where (txid, id) <= (?::xid8, ?::bigint)) as kept`,
      [after.txid, after.id],
    );
    complete = kept;
  }
  return {
    events,
    endCursor: events.length ? events[events.length - 1].cursor : (args.after ?? null),
    hasMore: rows.length > first,
    complete,
  };
}
