import { unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import { DomainError } from '../errors/domain-error';
import type { Logger } from '../logging/logger';

/** Codes a client may see; anything else is turned into INTERNAL_SERVER_ERROR. */
const KNOWN_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export interface FormatOptions {
  exposeDetails: boolean;
  log: Logger;
  requestId?: string;
}

/**
 * The one place where errors become what clients see: domain errors keep their category as `code` and their
 * module's code as `reason`; validation errors name the fields; anything unexpected is logged with the request
 * id and reaches the client as INTERNAL_SERVER_ERROR without stack or SQL (outside development).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, opts: FormatOptions): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.category, reason: original.reason, ...original.details } };
  }
  if (original instanceof ArgumentValidationError) {
    const fields = flattenValidation(original.extensions.validationErrors as ValidationError[]);
    return {
      ...base,
      message: `Invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: fields[0]?.field, fields },
    };
  }
  if (original instanceof AuthenticationError) {
    return { ...base, message: 'You need to sign in to do this', extensions: { code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' } };
  }
  if (original instanceof AuthorizationError) {
    return { ...base, message: 'You are not allowed to do this', extensions: { code: 'FORBIDDEN', reason: 'FORBIDDEN' } };
  }
  const code = formatted.extensions?.code as string | undefined;
  if (code && KNOWN_CODES.has(code)) {
    const { stacktrace: _stack, http: _http, ...rest } = formatted.extensions ?? {};
    return { ...base, extensions: { ...rest, code } };
  }
  // Errors graphql-js raises itself for bad variables or arguments carry no code but are the client's fault.
  if (original instanceof GraphQLError && !original.originalError && !formatted.path) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  }
  opts.log.error({ err: original, requestId: opts.requestId, path: formatted.path }, 'unexpected error in a GraphQL operation');
  return {
    ...base,
    message: opts.exposeDetails ? formatted.message : 'Internal server error',
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      requestId: opts.requestId,
      ...(opts.exposeDetails && original instanceof Error ? { stacktrace: original.stack?.split('\n') } : {}),
    },
  };
}

function flattenValidation(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}
