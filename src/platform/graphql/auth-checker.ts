import type { AuthCheckerFn } from 'type-graphql';
import type { Role } from '../auth/viewer';
import { DomainError, unauthenticated } from '../errors/domain-error';
import type { RequestContext } from './context';

/**
 * Operation and field level: `@Authorized()` needs a signed-in viewer, `@Authorized('STAFF', 'ADMIN')` one of
 * those roles. Row-level scope is the services' job (one scope function per record type).
 */
export const authChecker: AuthCheckerFn<RequestContext, Role> = ({ context }, roles) => {
  if (!context.viewer.authenticated) {
    throw unauthenticated();
  }
  if (roles.length > 0 && !context.viewer.has(...roles)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN', `This needs one of the roles ${roles.join(', ')}`);
  }
  return true;
};
