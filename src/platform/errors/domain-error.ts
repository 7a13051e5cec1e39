/**
 * The categories every client can rely on; they become `extensions.code`. A module's own, more specific code
 * (`UNIT_CODE_TAKEN`) travels as `extensions.reason`.
 */
export type ErrorCategory = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';

export interface DomainErrorDetails {
  /** The input field at fault, as the client named it (`input.code`). */
  field?: string;
  [key: string]: unknown;
}

/** Thrown by services; never a GraphQL class, so services stay transport-free. */
export class DomainError extends Error {
  constructor(
    readonly category: ErrorCategory,
    readonly reason: string,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Shorthands shared by every module for the common cases. */
export const notFound = (type: string, id: string) =>
  new DomainError('NOT_FOUND', `${toSnake(type)}_NOT_FOUND`, `${type} ${id} was not found`, { id });

export const invalidInput = (field: string, message: string, reason = 'INVALID_INPUT') =>
  new DomainError('BAD_USER_INPUT', reason, message, { field });

export const forbidden = (message = 'You are not allowed to do this') =>
  new DomainError('FORBIDDEN', 'FORBIDDEN', message);

export const unauthenticated = (message = 'You need to sign in to do this') =>
  new DomainError('UNAUTHENTICATED', 'UNAUTHENTICATED', message);

export const versionConflict = (type: string, expected: number, actual: number) =>
  new DomainError(
    'CONFLICT',
    'VERSION_CONFLICT',
    `${type} was changed by someone else (your version ${expected}, current ${actual}); reload and try again`,
    { field: 'version', expectedVersion: expected, currentVersion: actual },
  );

function toSnake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
