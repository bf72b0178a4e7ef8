import type { ApolloServerPlugin } from '@apollo/server';
import { parse, print, type DocumentNode } from 'graphql';
import type { Redis } from 'ioredis';
import { err, type ErrorCode } from '@dictamesh/runtime';
import type { GatewayContext } from '../context';
import { operationId, type PersistedQueryManifest } from '../persisted-operations/manifest';
import { httpError } from '../http-error';
import { PersistedQueryStore } from '../persisted-operations/apq-cache';

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

/** Options of {@link persistedOperations}. */
export interface PersistedOperationsOptions {
  /** Registered operations (`dictamesh operations publish`). */
  manifest?: PersistedQueryManifest;
  /** Default `off`. */
  safelist?: SafelistMode;
  /** Automatic persisted queries; default true, always off with a safelist. */
  apq?: boolean;
  /** Shared APQ store of every gateway instance. */
  redis?: Redis;
}

/**
 * Everything persisted operations add to a gateway: Apollo Server's `persistedQueries` option
 * (the {@link PersistedQueryStore}), the safelist plugin, and the safelist's verdict for
 * operations arriving over graphql-ws / graphql-sse (which carry no persisted query ids, so
 * listed bodies run there even in `ids` mode; null when no safelist is on).
 * @param maxTokens the parser's token limit, or a function read on every parse (a limit changed live)
 * @throws DictaMeshError `CONFIGURATION_INVALID` for a safelist without a manifest of operations
 */
export function persistedOperations(options: PersistedOperationsOptions, maxTokens: number | (() => number)) {
  const safelist = options.safelist ?? 'off';
  if (safelist !== 'off' && !options.manifest?.operations.length) {
    throw err(
      'CONFIGURATION_INVALID',
      `Safelist mode "${safelist}" needs a persisted query manifest with operations (GATEWAY_PERSISTED_QUERIES).`,
    );
  }
  const apq = (options.apq ?? true) && safelist === 'off';
  const store = new PersistedQueryStore(options.manifest, { register: apq, ...(options.redis ? { redis: options.redis } : {}) });
  const transportRefusal = (query: string): ErrorCode | null => {
    try {
      const document = parse(query, { maxTokens: typeof maxTokens === 'number' ? maxTokens : maxTokens() });
      return safelistRefusal(store, safelist === 'ids' ? 'safelist' : safelist, { query, queryHash: operationId(query), document });
    } catch {
      return null; // not parsable: the transport reports the syntax error
    }
  };
  return {
    apolloOption: apq || store.listed > 0 ? { cache: store } : (false as const),
    plugin: safelistPlugin(store, safelist),
    transportRefusal: safelist === 'off' ? undefined : transportRefusal,
  };
}
