import { DomainError } from '../../platform/errors/domain-error';

/** The institutions module's own error codes (sent as `extensions.reason`). */
export const InstitutionErrors = {
  homeInstitutionMissing: () =>
    new DomainError('NOT_FOUND', 'HOME_INSTITUTION_MISSING', 'The home institution has not been set up yet (run the seed)'),
  unitCodeTaken: (code: string) =>
    new DomainError('CONFLICT', 'UNIT_CODE_TAKEN', `A unit with code ${code} already exists`, { field: 'code' }),
  parentNotFound: () =>
    new DomainError('BAD_USER_INPUT', 'PARENT_UNIT_NOT_FOUND', 'The parent unit does not exist', { field: 'parentId' }),
  parentCycle: () =>
    new DomainError('BAD_USER_INPUT', 'UNIT_CYCLE', 'A unit cannot be moved below itself or one of its sub-units', { field: 'parentId' }),
  treeTooDeep: (max: number) =>
    new DomainError('BAD_USER_INPUT', 'UNIT_TREE_TOO_DEEP', `Units may be nested at most ${max} levels deep`, { field: 'parentId' }),
  unitHasChildren: (count: number) =>
    new DomainError('CONFLICT', 'UNIT_HAS_CHILDREN', `The unit still has ${count} sub-unit(s); move or remove them first`, { children: count }),
  nameRequired: () =>
    new DomainError('BAD_USER_INPUT', 'NAME_REQUIRED', 'A name is needed in at least one language', { field: 'name' }),
  identifierTaken: (field: string, value: string, holderId: string, holderName: string) =>
    new DomainError('CONFLICT', 'IDENTIFIER_TAKEN', `${field} ${value} already belongs to ${holderName}`, {
      field,
      holderId,
    }),
  mergeRefused: (field: string, why: string) =>
    new DomainError('CONFLICT', 'MERGE_REFUSED', `These institutions cannot be merged: ${why}`, { field }),
  coordinatorFieldForbidden: (field: string) =>
    new DomainError('FORBIDDEN', 'COORDINATOR_CANNOT_CHANGE', `Only the office can change ${field}`, { field }),
};
