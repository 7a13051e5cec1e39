import { sqlArray } from '../db/sql-array';
import { DomainError, unauthenticated } from '../errors/domain-error';
import type { RequestContext } from '../graphql/context';
import type { DeliveredEvent } from './outbox';

/**
 * Status events of personal records (outgoing and incoming mobility applications, admission applications): every such
 * event carries `applicantSubject` in its payload and its unit lineage in `scopeUnitIds`, so one audience rule, one live
 * stream and one catch-up query serve them all. Modules differ only in the event type and the payload filters.
 */

export const MAX_EVENTS_PAGE = 500;

export interface StatusAudience {
  office: boolean;
  subject: string;
  units: readonly string[];
}

/** Who hears about a record: the office, its applicant, and coordinators of its unit or a unit above it. */
export function audienceOf(ctx: RequestContext): StatusAudience {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return { office: ctx.viewer.isOffice, subject: ctx.viewer.subject!, units: ctx.viewer.has('COORDINATOR') ? ctx.viewer.units : [] };
}

export function hears(audience: StatusAudience, event: Pick<DeliveredEvent, 'scopeUnitIds' | 'payload'>): boolean {
  return audience.office || event.payload.applicantSubject === audience.subject || event.scopeUnitIds.some((u) => audience.units.includes(u));
}

/**
 * The cursor of an event is its place in the outbox's commit-safe order (transaction id, row id): a client that
 * resumes after it misses nothing that committed later, even from a transaction that started earlier.
 */
export function eventCursor(event: { txid: string; id: string }): string {
  return Buffer.from(`${event.txid}:${event.id}`, 'utf8').toString('base64url');
}

export function parseEventCursor(cursor: string, field = 'after'): { txid: string; id: string } {
  const [txid, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (rest.length || !/^\d{1,20}$/.test(txid ?? '') || !/^\d{1,20}$/.test(id ?? '')) {
    throw new DomainError('BAD_USER_INPUT', 'INVALID_CURSOR', `${field} is not an event cursor`, { field });
  }
  return { txid, id };
}

export interface StatusEventFilter {
  /** The outbox event type, e.g. `mobilityApplication.statusChanged`. */
  type: string;
  /** Only this record's events. */
  aggregateId?: string;
  /** Payload keys that must equal the given values (e.g. `{ callId }`); undefined values are ignored. */
  payload?: Record<string, string | undefined>;
}

/** A live stream of the events matching `filter` that the viewer may hear (subscriptions). */
export function followStatusEvents(ctx: RequestContext, filter: StatusEventFilter): AsyncIterableIterator<DeliveredEvent> {
  const audience = audienceOf(ctx);
  const payload = Object.entries(filter.payload ?? {}).filter(([, v]) => v !== undefined);
  return ctx.follow(
    (event) =>
      event.type === filter.type &&
      (!filter.aggregateId || event.aggregateId === filter.aggregateId) &&
      payload.every(([k, v]) => event.payload[k] === v) &&
      hears(audience, event),
  );
}

export type StoredStatusEvent = Pick<DeliveredEvent, 'id' | 'txid' | 'aggregateId' | 'payload' | 'occurredAt'>;

/**
 * The events after `after` that the viewer may see (the same audience as the live stream), oldest first, in
 * commit-safe order: a dashboard that reconnects asks with the last cursor it saw and misses nothing. `complete` is
 * false when the outbox has already pruned past the cursor (OUTBOX_RETENTION_DAYS), so events may be missing.
 */
export async function statusEventsAfter(
  ctx: RequestContext,
  filter: StatusEventFilter,
  args: { after?: string | null; first?: number | null },
): Promise<{ events: StoredStatusEvent[]; endCursor: string | null; hasMore: boolean; complete: boolean }> {
  const audience = audienceOf(ctx);
  const first = args.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > MAX_EVENTS_PAGE) {
    throw new DomainError('BAD_USER_INPUT', 'PAGE_SIZE_OUT_OF_RANGE', `first must be between 1 and ${MAX_EVENTS_PAGE}`, { field: 'first' });
  }
  const resuming = args.after !== undefined && args.after !== null;
  const after = resuming ? parseEventCursor(args.after!) : { txid: '0', id: '0' };
  const clauses = [`type = ?`, `(txid, id) > (?::xid8, ?::bigint)`, `txid < pg_snapshot_xmin(pg_current_snapshot())`];
  const params: unknown[] = [filter.type, after.txid, after.id];
  for (const [key, value] of Object.entries(filter.payload ?? {})) {
    if (value === undefined) continue;
    clauses.push(`payload->>? = ?`);
    params.push(key, value);
  }
  if (filter.aggregateId) {
    clauses.push(`aggregate_id = ?`);
    params.push(filter.aggregateId);
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
  const events = rows.slice(0, first).map((r) => ({
    id: r.id as string,
    txid: r.txid as string,
    aggregateId: r.aggregate_id as string,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    occurredAt: new Date(r.occurred_at as string),
  }));
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
    endCursor: events.length ? eventCursor(events[events.length - 1]) : (args.after ?? null),
    hasMore: rows.length > first,
    complete,
  };
}
