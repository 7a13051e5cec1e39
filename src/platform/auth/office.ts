import { forbidden, unauthenticated } from '../errors/domain-error';
import type { RequestContext } from '../graphql/context';

/**
 * Office work (STAFF, ADMIN), checked by the services for any caller (the resolvers check roles too). `what` says
 * what belongs to the office, for the FORBIDDEN message.
 */
export function assertOffice(ctx: RequestContext, what = 'This is the office’s work'): void {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice) throw forbidden(`${what} (STAFF, ADMIN)`);
}
