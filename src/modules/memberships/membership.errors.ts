import { DomainError } from '../../platform/errors/domain-error';

/** The memberships module's own error codes (sent as `extensions.reason`). */
export const MembershipErrors = {
  associationChoice: () =>
    new DomainError('BAD_USER_INPUT', 'ASSOCIATION_REQUIRED', 'Give either associationId (an existing association) or association (a new one), not both', {
      field: 'associationId',
    }),
  associationNotFound: (id: string) =>
    new DomainError('NOT_FOUND', 'INSTITUTION_NOT_FOUND', `Institution ${id} was not found`, { field: 'associationId', id }),
  notAnAssociation: (kind: string) =>
    new DomainError('BAD_USER_INPUT', 'NOT_AN_ASSOCIATION', `The institution is a ${kind}, not an association or network`, {
      field: 'associationId',
      kind,
    }),
  associationExists: (holderId: string, name: string) =>
    new DomainError('CONFLICT', 'ASSOCIATION_EXISTS', `The directory already has an association named ${name}; pass its ID as associationId`, {
      field: 'association.officialName',
      holderId,
    }),
  membershipExists: (membershipId: string | null) =>
    new DomainError('CONFLICT', 'MEMBERSHIP_EXISTS', 'The university already has a membership of this association', {
      field: 'associationId',
      ...(membershipId ? { membershipId } : {}),
    }),
  invalidInitialStatus: (status: string, allowed: string[]) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_INITIAL_STATUS', `A membership cannot be recorded as ${status}`, { field: 'status', allowed }),
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `A membership cannot go from ${from} to ${to}`, { field: 'status', from, to, allowed }),
  currencyRequired: () =>
    new DomainError('BAD_USER_INPUT', 'CURRENCY_REQUIRED', 'An annual fee needs its currency (feeCurrency)', { field: 'feeCurrency' }),
};
