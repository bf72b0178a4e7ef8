import type { ApolloServerPlugin, GraphQLRequestContextResponseForOperation } from '@apollo/server';
import { createHash } from 'node:crypto';
import { getOperationAST, print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { ERROR_CODES } from '@dictamesh/runtime';
import { LRUCache } from 'lru-cache';
import { filterUnauthorized, type FilteredOperation } from '../authorization/filter';
import type { AuthorizationPolicy } from '../authorization/policy';
import type { GatewayContext } from '../context';

/** Receives the fields removed from each operation (metrics). */
export type UnauthorizedObserver = (operationName: string | null, removedFields: number) => void;

/** Most `UNAUTHORIZED` errors in one answer; one more says how many further paths were left out. */
export const MAX_UNAUTHORIZED_ERRORS = 100;

/**
 * Authorization for the gateway (Apollo Server plugin), as Apollo Router enforces
 * `@authenticated` / `@requiresScopes`: the fields the principal may not see are taken out of the
 * operation (see {@link filterUnauthorized}) and the rest runs — no subgraph is asked for a
 * removed field. Each removed field is reported once per response path in `errors` with code
 * `UNAUTHORIZED` (at most {@link MAX_UNAUTHORIZED_ERRORS}, then one error with
 * `extensions.omitted`); when nothing is left the answer is `data: null` with those errors.
 * The query plan of the reduced operation is cached under its own key.
 *
 * Filtering runs in `responseForOperation`, which Apollo Server calls only once every plugin's
 * `didResolveOperation` has passed: the shape and cost limits of demand control, the safelist
 * and rate limits refuse an operation before any per-field work is done for it (Apollo Server
 * starts all `didResolveOperation` hooks together, so a refusal there would not stop it).
 * @param policy read on every operation, so a reloaded supergraph takes effect at once
 */
export function authorizationPlugin(
  policy: () => AuthorizationPolicy,
  onRemoved?: UnauthorizedObserver,
): ApolloServerPlugin<GatewayContext> {
  // the same operation from callers of the same standing is filtered once per supergraph
  const caches = new WeakMap<AuthorizationPolicy, LRUCache<string, Reduced>>();
  const filtered = (requestContext: GraphQLRequestContextResponseForOperation<GatewayContext>): Reduced => {
    const { schema, document, operationName, contextValue } = requestContext;
    // set by Apollo Server for every operation that reaches this hook
    const queryHash = requestContext.queryHash ?? sha256(print(document));
    const current = policy();
    if (current.fields.size === 0 && current.types.size === 0) return { document, removed: [], truncated: false, queryHash };
    let cache = caches.get(current);
    if (!cache) caches.set(current, (cache = new LRUCache({ max: 5_000 })));
    const { method, scopes } = contextValue.principal;
    const key = `${queryHash}|${operationName ?? ''}|${method === 'anonymous'}|${[...scopes].sort().join(' ')}`;
    let result = cache.get(key);
    if (!result) {
      const reduced = filterUnauthorized(schema, document, operationName, current, contextValue.principal);
      // the plan cache key of the reduced operation: what it is, not only which paths it lost
      const hash = reduced.document && reduced.removed.length > 0 ? sha256(queryHash, print(reduced.document)) : queryHash;
      cache.set(key, (result = { ...reduced, queryHash: hash }));
    }
    return result;
  };
  return {
    async requestDidStart() {
      let errors: GraphQLFormattedError[] = [];
      let nothingLeft = false;
      return {
        async responseForOperation(requestContext) {
          const result = filtered(requestContext);
          if (result.removed.length === 0) return null;
          onRemoved?.(requestContext.operationName, result.removed.length);
          errors = unauthorizedErrors(result);
          if (result.document) {
            replaceOperation(requestContext, result.document, result.queryHash);
            return null;
          }
          nothingLeft = true;
          return { http: requestContext.response.http, body: { kind: 'single', singleResult: { data: null, errors } } };
        },
        async willSendResponse({ response }) {
          if (nothingLeft || errors.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...errors, ...(result.errors ?? [])];
        },
      };
    },
  };
}

/** One error per removed path, capped; the last says how many paths it leaves out. */
function unauthorizedErrors({ removed, truncated }: Reduced): GraphQLFormattedError[] {
  const errors: GraphQLFormattedError[] = removed.slice(0, MAX_UNAUTHORIZED_ERRORS).map((path) => ({
    message: ERROR_CODES.UNAUTHORIZED.message,
    path,
    extensions: { code: 'UNAUTHORIZED' },
  }));
  const omitted = removed.length - errors.length;
  if (omitted > 0 || truncated) {
    errors.push({
      message: `${ERROR_CODES.UNAUTHORIZED.message} ${truncated ? 'More than ' : ''}${omitted} more removed fields are not listed.`,
      extensions: { code: 'UNAUTHORIZED', omitted, ...(truncated ? { truncated } : {}) },
    });
  }
  return errors;
}

/** Points the request at the reduced operation and its plan-cache key (`queryHash`), which differs from the full operation's. */
function replaceOperation(
  requestContext: GraphQLRequestContextResponseForOperation<GatewayContext>,
  document: DocumentNode,
  queryHash: string,
): void {
  const writable = requestContext as { -readonly [K in keyof typeof requestContext]: (typeof requestContext)[K] };
  writable.document = document;
  writable.operation = getOperationAST(document, requestContext.operationName) ?? requestContext.operation;
  writable.queryHash = queryHash;
}

/** A filtered operation and the plan cache key of what runs. */
type Reduced = FilteredOperation & { queryHash: string };

function sha256(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
