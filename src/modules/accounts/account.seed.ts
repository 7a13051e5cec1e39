import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../platform/auth/viewer';
import { UserAccount } from './user-account.entity';

export interface UserSeed {
  subject: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** Unit codes, resolved to ids by the caller. */
  units: string[];
}

export function seedAccounts(em: EntityManager, users: UserSeed[], unitIdByCode: Map<string, string>): void {
  for (const user of users) {
    const unitIds = user.units.map((code) => {
      const id = unitIdByCode.get(code);
      if (!id) throw new Error(`seed user ${user.email}: unknown unit code ${code}`);
      return id;
    });
    em.create(UserAccount, { subject: user.subject, email: user.email, displayName: user.displayName, roles: user.roles, unitIds } as never);
  }
}
