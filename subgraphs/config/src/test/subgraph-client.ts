/**
 * The config subgraph over HTTP as the gateway calls it, for integration tests (imported by
 * `*.test.ts` only): each request carries a principal token the test's {@link GatewayTokens}
 * signed, with an optional request origin.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { PRINCIPAL_HEADER, type GatewayTokens, type Principal, type RequestOrigin } from '@dictamesh/runtime';

/** A GraphQL response as JSON. */
export interface GqlResult {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of GraphQL JSON
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

type Variables = Record<string, unknown>;

/**
 * Request helpers on the subgraph `app()` returns (read at each call: tests start it in `beforeAll`).
 * @param origin the request origin signed into each token (none when not given)
 */
export function subgraphClient(app: () => FastifyInstance, tokens: GatewayTokens, origin?: () => RequestOrigin) {
  async function gql(principal: Principal, query: string, variables: Variables = {}): Promise<GqlResult> {
    const response = await app().inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', [PRINCIPAL_HEADER]: await tokens.sign(principal, origin?.()) },
      payload: { query, variables },
    });
    return response.json() as GqlResult;
  }
  /** The data of a request that must succeed. */
  async function ok(principal: Principal, query: string, variables: Variables = {}) {
    const result = await gql(principal, query, variables);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }
  /** The one error of a request that must fail. */
  async function failure(principal: Principal, query: string, variables: Variables = {}) {
    const result = await gql(principal, query, variables);
    expect(result.errors, JSON.stringify(result.data)).toHaveLength(1);
    return result.errors![0]!;
  }
  /** The error code of a request that must fail. */
  const code = async (principal: Principal, query: string, variables: Variables = {}) =>
    (await failure(principal, query, variables)).extensions?.code;
  return { gql, ok, failure, code };
}
