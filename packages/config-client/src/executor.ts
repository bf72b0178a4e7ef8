import { PRINCIPAL_HEADER, type GatewayTokens, type Principal } from '@dictamesh/runtime';
import type { DictaMeshService } from './settings';

/** One GraphQL error as a config subgraph answers it. */
export interface ConfigGraphQLError {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

/** A GraphQL answer (`data` and / or `errors`). */
export interface ConfigGraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: readonly ConfigGraphQLError[];
}

/**
 * Runs one GraphQL operation against the config subgraph (or the gateway). Rejects when the
 * service cannot be reached; GraphQL errors come back in `errors`.
 */
export type ConfigExecute = (query: string, variables?: Record<string, unknown>) => Promise<ConfigGraphQLResult>;

/**
 * The principal a DictaMesh service reads its own settings as: subject `dictamesh:<service>`, no
 * organisation, the platform scope `dictamesh:platform` (the platform's settings are the platform
 * operator's), method `api-key` (a service, not a person).
 */
export function platformPrincipal(service: DictaMeshService): Principal {
  return { subject: `dictamesh:${service}`, org: null, scopes: ['dictamesh:platform'], method: 'api-key' };
}

/**
 * A {@link ConfigExecute} that POSTs to a subgraph's `/graphql` directly (not through the
 * gateway), with `principal` signed by the key the gateway and the subgraphs share
 * (`PRINCIPAL_HEADER`), a fresh token per request.
 * @param url the config subgraph's `/graphql` URL
 * @param timeoutMs longest wait for an answer (then the promise rejects, as when unreachable)
 */
export function subgraphExecutor(url: string, tokens: GatewayTokens, principal: Principal, timeoutMs = 10_000): ConfigExecute {
  return async (query, variables) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [PRINCIPAL_HEADER]: await tokens.sign(principal) },
      body: JSON.stringify({ query, variables: variables ?? {} }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: ConfigGraphQLResult;
    try {
      body = JSON.parse(text) as ConfigGraphQLResult;
    } catch {
      throw new Error(`config subgraph answered HTTP ${response.status} without JSON`);
    }
    if (!body.data && !body.errors?.length) throw new Error(`config subgraph answered HTTP ${response.status} without data`);
    return body;
  };
}
