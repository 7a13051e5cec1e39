import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../platform/graphql/context';
import { UserAccount } from './user-account.entity';

export function findAccount(ctx: RequestContext, subject: string): Promise<UserAccount | null> {
  return ctx.em.findOne(UserAccount, { subject });
}

/** For the token command: a demo account by e-mail, subject, or the first one holding a role. */
export async function findAccountForToken(
  em: EntityManager,
  by: { email?: string; subject?: string; role?: string },
): Promise<UserAccount | null> {
  if (by.email) return em.findOne(UserAccount, { email: by.email });
  if (by.subject) return em.findOne(UserAccount, { subject: by.subject });
  if (by.role) return em.findOne(UserAccount, { roles: { $contains: [by.role] } } as never, { orderBy: { email: 'asc' } });
  return null;
}
