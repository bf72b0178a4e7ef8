import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';

/** Codes with which a subgraph refuses a value (its variable coercion, its validation of a literal). */
const REFUSAL_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);
/** Longest refusal message passed on, in characters (it may repeat the value refused). */
const MAX_MESSAGE = 500;

/**
 * @apollo/gateway's data source, answering a subgraph's refusal of the caller's input as the
 * caller's error: `400` with `BAD_USER_INPUT` and the subgraph's message (cut to 500 characters),
 * instead of a bare "400: Bad Request" that the error formatter masks as `INTERNAL_SERVER_ERROR`.
 *
 * The gateway validates an operation against the supergraph, where a custom scalar (`DateTime`)
 * takes any value; the subgraph's scalar then refuses `"2026-13-45T00:00:00Z"` with a `400`
 * (Apollo Server: variable coercion `BAD_USER_INPUT`, literal `GRAPHQL_VALIDATION_FAILED`) —
 * issue 11, point 7. Any other failed answer is reported as before.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RemoteGraphQLDataSource's own constraint (an interface context has no index signature)
export class SubgraphDataSource<TContext extends Record<string, any>> extends RemoteGraphQLDataSource<TContext> {
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status === 400) {
      const refusal = inputRefusal(await response.clone().text());
      if (refusal) return refusal;
    }
    return super.errorFromResponse(response);
  }
}

/** The caller's error in a subgraph's `400` body (`{ errors: [{ message, extensions: { code } }] }`), or null. */
export function inputRefusal(body: string): GraphQLError | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  const refused = Array.isArray(errors)
    ? (errors as Array<{ message?: unknown; extensions?: { code?: unknown } } | null>).find(
        (e) => typeof e?.message === 'string' && REFUSAL_CODES.has(String(e.extensions?.code)),
      )
    : undefined;
  if (!refused) return null;
  const message = String(refused.message);
  return new GraphQLError(message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}… (${message.length} characters)`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}
