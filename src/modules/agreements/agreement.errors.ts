import { DomainError } from '../../platform/errors/domain-error';

/** The agreements module's own error codes (sent as `extensions.reason`). */
export const AgreementErrors = {
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `An agreement cannot go from ${from} to ${to}`, { from, to, allowed }),
  locked: (status: string) =>
    new DomainError('CONFLICT', 'AGREEMENT_LOCKED', `An agreement that is ${status} cannot be edited; only its internal note`, {
      status,
    }),
  conditionsRequired: () =>
    new DomainError('CONFLICT', 'CONDITIONS_REQUIRED', 'An Erasmus+ IIA needs at least one cooperation condition before it is signed', {
      field: 'conditions',
    }),
  yearsOutOfOrder: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'ACADEMIC_YEARS_OUT_OF_ORDER', 'The last academic year comes before the first', { field }),
  conditionOutsideAgreement: (index: number) =>
    new DomainError('BAD_USER_INPUT', 'CONDITION_OUTSIDE_AGREEMENT', `Condition ${index + 1} covers years outside the agreement`, {
      field: `conditions.${index}`,
    }),
  conditionParty: (index: number, side: 'sending' | 'receiving') =>
    new DomainError('BAD_USER_INPUT', 'CONDITION_PARTY_UNKNOWN', `Condition ${index + 1}: the ${side} institution is not a party to the agreement`, {
      field: `conditions.${index}.${side}InstitutionId`,
    }),
  conditionSameParty: (index: number) =>
    new DomainError('BAD_USER_INPUT', 'CONDITION_SAME_PARTY', `Condition ${index + 1}: sending and receiving institution are the same`, {
      field: `conditions.${index}`,
    }),
  conditionDuration: (index: number, needed: string) =>
    new DomainError('BAD_USER_INPUT', 'CONDITION_DURATION', `Condition ${index + 1}: ${needed}`, { field: `conditions.${index}` }),
  partnerUnknown: (field: string) => new DomainError('BAD_USER_INPUT', 'PARTNER_NOT_FOUND', 'The partner institution does not exist', { field }),
  partnerIsHome: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'PARTNER_IS_HOME', 'The home institution is always a party; list the partners only', { field }),
  unitNotInInstitution: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'UNIT_NOT_IN_INSTITUTION', 'The unit does not belong to that institution', { field }),
  referenceTaken: (reference: string) =>
    new DomainError('CONFLICT', 'REFERENCE_TAKEN', `Another agreement already has the reference ${reference}`, { field: 'reference' }),
  revisionNotFound: (version: number) =>
    new DomainError('NOT_FOUND', 'REVISION_NOT_FOUND', `The agreement has no revision ${version}`, { field: 'version' }),
};
