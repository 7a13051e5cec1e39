import { DomainError } from '../../platform/errors/domain-error';
import type { IncomingStatus } from './incoming-mobility.entity';

/** The incoming module's errors; each has a reason code clients can rely on. Helpers add their own below. */
export const IncomingErrors = {
  invalidTransition: (from: IncomingStatus, to: IncomingStatus, allowed: IncomingStatus[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `An incoming mobility cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`, {
      from,
      to,
      allowed,
    }),
  reasonRequired: () => new DomainError('BAD_USER_INPUT', 'REASON_REQUIRED', 'Say why (reason)', { field: 'reason' }),
  unitNotHome: (field: string) => new DomainError('BAD_USER_INPUT', 'UNIT_NOT_HOME', 'The host unit must be a unit of the home institution', { field }),
};
