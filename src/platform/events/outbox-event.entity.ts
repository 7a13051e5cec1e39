import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The transactional outbox: one row per change, written in the transaction that makes the change. It is the
 * record every consumer reads (subscriptions, search indexing, notifications); the bus only rings the bell.
 * `txid` orders rows by transaction, so a reader never passes a slower transaction that has not committed yet.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['txid', 'id'] })
@Index({ properties: ['occurredAt'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ columnType: 'xid8', type: 'string', defaultRaw: 'pg_current_xact_id()' })
  txid!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  aggregateType!: string;

  @Property({ type: 'uuid' })
  aggregateId!: string;

  @Property({ type: 'integer', nullable: true })
  aggregateVersion?: number;

  @Property({ type: 'text', nullable: true })
  actor?: string;

  /** The organisational units (with their ancestors) the change concerns: unit-scoped viewers see it if they share one. */
  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  scopeUnitIds: string[] = [];

  @Property({ type: 'json', default: '{}' })
  payload: Record<string, unknown> = {};

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  occurredAt: Date = new Date();
}

/** A durable outbox consumer's position and lease (one instance at a time processes a consumer). */
@Entity({ tableName: 'outbox_consumer' })
export class OutboxConsumer {
  @PrimaryKey({ type: 'text' })
  name!: string;

  @Property({ columnType: 'xid8', type: 'string', default: '0' })
  lastTxid = '0';

  @Property({ type: 'bigint', default: 0 })
  lastId = '0';

  @Property({ type: 'text', nullable: true })
  leasedBy?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  leasedUntil?: Date;
}
