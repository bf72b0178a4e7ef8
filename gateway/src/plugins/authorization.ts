import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { createHash } from 'node:crypto';
import { getOperationAST, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { ERROR_CODES } from '@dictamesh/runtime';
import { LRUCache } from 'lru-cache';
import { filterUnauthorized, type FilteredOperation } from '../authorization/filter';
import type { AuthorizationPolicy } from '../authorization/policy';
import type { GatewayContext } from '../context';

/** Receives the fields removed from each operation (metrics). */
export type UnauthorizedObserver = (operationName: string | null, removedFields: number) => void;

/**
 * Authorization for the gateway (Apollo Server plugin), as Apollo Router enforces
 * `@authenticated` / `@requiresScopes`: after validation, the fields the principal may not see
 * are taken out of the operation (see {@link filterUnauthorized}) and the rest runs — no
 * subgraph is asked for a removed field. Each removed field is reported in `errors` with code
 * `UNAUTHORIZED` and its path; when nothing is left the answer is `data: null` with those errors.
 * The query plan of the reduced operation is cached under its own key.
 * @param policy read on every operation, so a reloaded supergraph takes effect at once
 */
export function authorizationPlugin(
  policy: () => AuthorizationPolicy,
  onRemoved?: UnauthorizedObserver,
): ApolloServerPlugin<GatewayContext> {
  // the same operation from callers of the same standing is filtered once per supergraph
  const caches = new WeakMap<AuthorizationPolicy, LRUCache<string, FilteredOperation>>();
  const filtered = (requestContext: GraphQLRequestContextDidResolveOperation<GatewayContext>): FilteredOperation => {
    const { schema, document, operationName, queryHash, contextValue } = requestContext;
    const current = policy();
    if (current.fields.size === 0 && current.types.size === 0) return { document, removed: [] };
    let cache = caches.get(current);
    if (!cache) caches.set(current, (cache = new LRUCache({ max: 5_000 })));
    const { method, scopes } = contextValue.principal;
    const key = `${queryHash}|${operationName ?? ''}|${method === 'anonymous'}|${[...scopes].sort().join(' ')}`;
    let result = cache.get(key);
    if (!result) cache.set(key, (result = filterUnauthorized(schema, document, operationName, current, contextValue.principal)));
    return result;
  };
  return {
    async requestDidStart() {
      let errors: GraphQLFormattedError[] = [];
      let nothingLeft = false;
      return {
        async didResolveOperation(requestContext) {
          const { removed, document } = filtered(requestContext);
          if (removed.length === 0) return;
          onRemoved?.(requestContext.operationName, removed.length);
          errors = removed.map((path) => ({
            message: ERROR_CODES.UNAUTHORIZED.message,
            path,
            extensions: { code: 'UNAUTHORIZED' },
          }));
          if (!document) {
            nothingLeft = true;
            return;
          }
          replaceOperation(requestContext, document, removed);
        },
        async responseForOperation({ response }) {
          if (!nothingLeft) return null;
          return { http: response.http, body: { kind: 'single', singleResult: { data: null, errors } } };
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

/** Points the request at the reduced operation; its plan-cache key (`queryHash`) differs from the full operation's. */
function replaceOperation(
  requestContext: GraphQLRequestContextDidResolveOperation<GatewayContext>,
  document: DocumentNode,
  removed: string[][],
): void {
  const writable = requestContext as { -readonly [K in keyof typeof requestContext]: (typeof requestContext)[K] };
  writable.document = document;
  writable.operation = getOperationAST(document, requestContext.operationName) ?? requestContext.operation;
  writable.queryHash = createHash('sha256').update(requestContext.queryHash).update(JSON.stringify(removed)).digest('hex');
}
