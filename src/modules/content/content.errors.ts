import { DomainError } from '../../platform/errors/domain-error';

/** The content module's own error codes (sent as `extensions.reason`). */
export const ContentErrors = {
  notFound: (id: string) => new DomainError('NOT_FOUND', 'CONTENT_NOT_FOUND', `No content ${id}`, { field: 'id', id }),
  wrongType: (field: string, expected: string) =>
    new DomainError('BAD_USER_INPUT', 'WRONG_CONTENT_TYPE', `${field} must refer to a ${expected}`, { field, expected }),
  detailsMismatch: (type: string, given: string[]) =>
    new DomainError('BAD_USER_INPUT', 'DETAILS_MISMATCH', `A ${type} takes only its own details, not ${given.join(', ')}`, {
      field: given[0],
    }),
  detailsRequired: (field: string, type: string) =>
    new DomainError('BAD_USER_INPUT', 'DETAILS_REQUIRED', `A ${type} needs ${field}`, { field }),
  titleRequired: () => new DomainError('BAD_USER_INPUT', 'TITLE_REQUIRED', 'Give the title in at least one language', { field: 'title' }),
  invalidSlug: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_SLUG', 'A slug is 1–100 lower-case letters, digits and single hyphens', { field }),
  slugTaken: (field: string, locale: string, path: string) =>
    new DomainError('CONFLICT', 'SLUG_TAKEN', `The ${locale} address "${path}" is already used`, { field, locale, path }),
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `Content cannot go from ${from} to ${to}`, { field: 'status', from, to, allowed }),
  invalidWindow: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_WINDOW', message, { field }),
  invalidTimeZone: (field: string) => new DomainError('BAD_USER_INPUT', 'INVALID_TIME_ZONE', 'Not an IANA time zone (e.g. Europe/Istanbul)', { field }),
  organiserMismatch: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_ORGANISER', message, { field }),
  categoryNotFound: (key: string) =>
    new DomainError('NOT_FOUND', 'CATEGORY_NOT_FOUND', `No content category "${key}"`, { field: 'categoryKey', key }),
  pageCycle: () => new DomainError('BAD_USER_INPUT', 'PAGE_CYCLE', 'A page cannot be its own ancestor', { field: 'page.parentId' }),
  revisionNotFound: (n: number) => new DomainError('NOT_FOUND', 'REVISION_NOT_FOUND', `No revision #${n}`, { field: 'revision' }),
  notDeletable: () =>
    new DomainError('CONFLICT', 'CONTENT_NOT_DELETABLE', 'Only drafts that were never published can be deleted; archive the others', { field: 'id' }),
  hasChildren: () => new DomainError('CONFLICT', 'PAGE_HAS_CHILDREN', 'Move or delete the sub-pages first', { field: 'id' }),
  invalidUrl: (field: string) => new DomainError('BAD_USER_INPUT', 'INVALID_URL', 'Give an http(s) URL', { field }),
  invalidTag: (field: string) => new DomainError('BAD_USER_INPUT', 'INVALID_TAG', 'Tags are 1–40 characters, at most 20 of them', { field }),
};
