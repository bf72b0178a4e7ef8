/**
 * The gateway's defaults, written once: `createGatewayService` and its parts fall back to
 * them, and the `dictamesh` command's environment schema takes them as the defaults of its
 * variables (docs/configuration.md lists them).
 */
export const GATEWAY_DEFAULTS = {
  /** Demand control limits per operation (`GATEWAY_MAX_*`, `GATEWAY_DEFAULT_LIST_SIZE`, `GATEWAY_DEMAND_CONTROL`). */
  demandControl: {
    maxCost: 50_000,
    maxDepth: 15,
    maxAliases: 30,
    maxRootFields: 20,
    /** Selections with every fragment expanded at each spread. */
    maxSelections: 5_000,
    /** Lexical tokens of a document, checked while parsing. */
    maxTokens: 10_000,
    /** Items assumed for a list field without `@listSize`. */
    defaultListSize: 10,
    mode: 'enforce',
  },
  /** Longest wait for a subgraph answer, ms (`GATEWAY_SUBGRAPH_TIMEOUT_MS`). */
  subgraphTimeoutMs: 30_000,
  /** Approximate size bound of the query plan cache, MiB (`GATEWAY_PLAN_CACHE_MIB`). */
  planCacheMiB: 30,
  /** Share identical in-flight subgraph query fetches (`GATEWAY_DEDUPLICATE_FETCHES`). */
  deduplicateFetches: true,
  /** Entity changes buffered per subscription before a slow client is cut off (`SUBSCRIPTION_BUFFER_LIMIT`). */
  subscriptionBufferLimit: 1_000,
  /** Budgets per window of one client and one organisation (`RATE_LIMIT_*`); the window in seconds. */
  rateLimits: { windowSeconds: 60, requests: 6_000, cost: 5_000_000, orgRequests: 60_000, orgCost: 50_000_000 },
  /** How long a looked-up API key is trusted, ms (`API_KEY_CACHE_MS`): a revocation takes at most this long. */
  apiKeyCacheMs: 10_000,
  /** JWT verification: accepted clock difference for `exp` / `nbf` in seconds, and the claim holding the organisation. */
  jwt: { clockSkewSeconds: 30, orgClaim: 'org' },
} as const;
