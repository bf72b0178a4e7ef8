import type { ApolloServerPlugin } from '@apollo/server';
import { print, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../context';
import { operationId } from '../persisted-operations/manifest';
import { httpError } from '../http-error';
import type { PersistedQueryStore } from '../persisted-operations/apq-cache';

/**
 * What runs on the gateway:
 * - `off`: any operation; clients may register automatic persisted queries (APQ);
 * - `safelist`: only operations of the manifest, sent by id or as their exact body;
 * - `ids`: only operations of the manifest, sent by id (Apollo Router's `safelist.require_id`).
 */
export type SafelistMode = 'off' | 'safelist' | 'ids';

/**
 * Whether an operation may run under the safelist: by id (then `query` is absent), or as a body
 * of the manifest — as sent, or once printed, so whitespace and comments do not matter.
 * @returns the refusal, or null: `PERSISTED_QUERY_ID_REQUIRED` (a body in `ids` mode),
 *   `PERSISTED_QUERY_NOT_IN_LIST` (not in the manifest)
 */
export function safelistRefusal(
  store: PersistedQueryStore,
  mode: SafelistMode,
  operation: { query: string | undefined; queryHash: string; document: DocumentNode },
): 'PERSISTED_QUERY_ID_REQUIRED' | 'PERSISTED_QUERY_NOT_IN_LIST' | null {
  if (mode === 'off') return null;
  if (mode === 'ids' && operation.query !== undefined) return 'PERSISTED_QUERY_ID_REQUIRED';
  if (store.isListed(operation.queryHash) || store.isListed(operationId(print(operation.document)))) return null;
  return 'PERSISTED_QUERY_NOT_IN_LIST';
}

/**
 * Enforces the safelist (Apollo Server plugin) on HTTP operations once they are parsed and
 * before anything else looks at them ({@link safelistRefusal}): refused with HTTP 400 and the
 * code, no subgraph called. Operations the gateway runs for itself (subscription payloads) are
 * exempt; subscriptions are checked by their transports. Lookups by id are answered by the
 * {@link PersistedQueryStore} given to Apollo Server.
 */
export function safelistPlugin(store: PersistedQueryStore, mode: SafelistMode): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (mode === 'off') return {};
      return {
        // the first hook whose errors Apollo Server answers with their status (didResolveSource's become 500s)
        async didResolveOperation({ request, queryHash, document, contextValue }) {
          if (contextValue.internal) return;
          const refusal = safelistRefusal(store, mode, { query: request.query, queryHash, document });
          if (refusal) throw httpError(refusal);
        },
      };
    },
  };
}
