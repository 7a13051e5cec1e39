import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../platform/auth/viewer';

/**
 * A person known to the hub, keyed by the identity provider's subject. Roles and unit scopes travel in the
 * token (the university's SSO decides them); this record holds the profile the office sees.
 */
@Entity({ tableName: 'user_account' })
export class UserAccount {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  subject!: string;

  @Property({ type: 'text', unique: true })
  email!: string;

  @Property({ type: 'text' })
  displayName!: string;

  /** The roles and units the development token command gives this person (the demo users). */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  roles: Role[] = [];

  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  unitIds: string[] = [];

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
