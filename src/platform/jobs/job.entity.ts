import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type JobState = 'pending' | 'running' | 'done' | 'dead';

/** A durable background job, claimed with FOR UPDATE SKIP LOCKED so that instances share the work. */
@Entity({ tableName: 'job' })
@Index({ name: 'job_claim_idx', properties: ['state', 'runAt'] })
@Index({
  name: 'job_singleton_pending_uq',
  expression: `create unique index "job_singleton_pending_uq" on "job" ("singleton_key") where state = 'pending'`,
})
export class Job {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'json', default: '{}' })
  payload: Record<string, unknown> = {};

  @Property({ type: 'text', default: 'pending' })
  state: JobState = 'pending';

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  runAt: Date = new Date();

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'integer', default: 5 })
  maxAttempts = 5;

  @Property({ type: 'text', nullable: true })
  singletonKey?: string;

  @Property({ type: 'text', nullable: true })
  lastError?: string;

  @Property({ type: 'text', nullable: true })
  lockedBy?: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lockedUntil?: Date;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  finishedAt?: Date;
}
