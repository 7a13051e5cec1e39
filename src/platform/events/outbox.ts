import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEvent } from './outbox-event.entity';

export interface PendingEvent {
  /** `<aggregate>.<verb>`, e.g. `organisationalUnit.added`. */
  type: string;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion?: number;
  actor?: string;
  scopeUnitIds?: string[];
  payload?: Record<string, unknown>;
}

/** A committed outbox row as consumers see it. */
export interface DeliveredEvent {
  id: string;
  txid: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number | null;
  actor: string | null;
  scopeUnitIds: string[];
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** What request contexts use of the event system: write to the outbox, ring after commit, follow live events. */
export interface HubEvents {
  record(em: EntityManager, event: PendingEvent): void;
  ring(): void;
  stream(accept: (event: DeliveredEvent) => boolean): AsyncIterableIterator<DeliveredEvent>;
}

export function recordEvent(em: EntityManager, event: PendingEvent): void {
  const row = em.create(OutboxEvent, {
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    actor: event.actor,
    scopeUnitIds: event.scopeUnitIds ?? [],
    payload: event.payload ?? {},
  } as OutboxEvent);
  em.persist(row);
}

/**
 * Committed events after a cursor, in commit-safe order: only transactions older than every transaction still
 * running (the snapshot's xmin) are read, so a slow transaction's events are never skipped. Events come ordered by
 * transaction id (start order), then as written. The price: a long write transaction anywhere on the server holds
 * delivery back until it ends (keep imports and maintenance in short transactions).
 */
export async function readEventsAfter(
  em: EntityManager,
  cursor: { txid: string; id: string },
  limit: number,
): Promise<DeliveredEvent[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id::text as id, txid::text as txid, type, aggregate_type, aggregate_id, aggregate_version, actor,
            scope_unit_ids, payload, occurred_at
       from outbox_event
      where (txid, id) > (?::xid8, ?::bigint)
        and txid < pg_snapshot_xmin(pg_current_snapshot())
      order by outbox_event.txid, outbox_event.id -- the columns: bare names would sort by the text aliases above
      limit ?`,
    [cursor.txid, cursor.id, limit],
  );
  return rows.map(toDelivered);
}

/** The position from which a new reader starts: everything already finished counts as seen. */
export async function currentCursor(em: EntityManager): Promise<{ txid: string; id: string }> {
  const [row] = await em
    .getConnection()
    .execute<{ xmin: string }[]>(`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
  return { txid: row.xmin, id: '0' };
}

function toDelivered(r: Record<string, unknown>): DeliveredEvent {
  return {
    id: r.id as string,
    txid: r.txid as string,
    type: r.type as string,
    aggregateType: r.aggregate_type as string,
    aggregateId: r.aggregate_id as string,
    aggregateVersion: (r.aggregate_version as number | null) ?? null,
    actor: (r.actor as string | null) ?? null,
    scopeUnitIds: parseUuidArray(r.scope_unit_ids),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    occurredAt: new Date(r.occurred_at as string),
  };
}

function parseUuidArray(v: unknown): string[] {
  if (Array.isArray(v)) return v as string[];
  if (typeof v === 'string') return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
  return [];
}
