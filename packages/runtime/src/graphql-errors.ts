import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { boundedError } from './echo';
import { DictaMeshError, ERROR_CODES } from './errors';
import type { Logger } from './logger';

/** Codes GraphQL servers themselves attach to client errors (parse, validation, variables). */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/**
 * Apollo Server `formatError` implementing DictaMesh's masking policy: a DictaMeshError is
 * sent with its registered code and details; GraphQL's own client errors (parse, validation,
 * bad variables) pass; anything else is logged in full and sent as `INTERNAL_SERVER_ERROR`
 * with a generic message (Yoga's default masking). Every error sent is bounded
 * ({@link boundedError}): what it repeats of the caller's input never comes back whole.
 */
export function createErrorFormatter(log: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => boundedError(format(log, formatted, error));
}

function format(log: Logger, formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DictaMeshError) {
    return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (CLIENT_CODES.has(code) || code in ERROR_CODES) && code !== 'INTERNAL_SERVER_ERROR') {
    return formatted;
  }
  log.error({ err: original, path: formatted.path }, 'unexpected GraphQL error');
  const { locations, path } = formatted;
  return {
    message: ERROR_CODES.INTERNAL_SERVER_ERROR.message,
    ...(locations ? { locations } : {}),
    ...(path ? { path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
