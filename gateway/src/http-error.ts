import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ERROR_CODES, type ErrorCode } from '@dictamesh/runtime';

/**
 * A GraphQLError that rejects the whole request with the HTTP status registered for its code
 * (`ERROR_CODES`) and optional response headers — for refusals before execution (credentials,
 * demand control, rate limits). Apollo Server moves `extensions.http` onto the response.
 */
export function httpError(
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  extensions: Record<string, unknown> = {},
  headers: Array<[string, string]> = [],
): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code,
      ...extensions,
      http: { status: ERROR_CODES[code].status, ...(headers.length ? { headers: new HeaderMap(headers) } : {}) },
    },
  });
}
