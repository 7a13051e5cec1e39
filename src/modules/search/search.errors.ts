import { DomainError } from '../../platform/errors/domain-error';

/** The search module's own error codes (sent as `extensions.reason`). */
export const SearchErrors = {
  queryRequired: () => new DomainError('BAD_USER_INPUT', 'QUERY_REQUIRED', 'Type something to search for', { field: 'query' }),
  queryTooLong: (max: number) =>
    new DomainError('BAD_USER_INPUT', 'QUERY_TOO_LONG', `A search is at most ${max} characters`, { field: 'query', max }),
  officeOnlyType: (type: string) =>
    new DomainError('FORBIDDEN', 'TYPE_NOT_SEARCHABLE', `Only the office searches ${type} records`, { field: 'types', type }),
  invalidCursor: () => new DomainError('BAD_USER_INPUT', 'INVALID_CURSOR', 'after is not a cursor of this search', { field: 'after' }),
  tooDeep: (max: number) =>
    new DomainError('BAD_USER_INPUT', 'PAGE_TOO_DEEP', `Search results go up to the first ${max}; narrow the search`, { field: 'after', max }),
};
