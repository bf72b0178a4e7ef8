import { ApolloGateway } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import { parse } from 'graphql';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import {
  ANONYMOUS,
  createErrorFormatter,
  createHttpApp,
  DEFAULT_BODY_LIMIT_BYTES,
  injectContext,
  tracedRoute,
  PRINCIPAL_HEADER,
  type GatewayTokens,
  type Logger,
  type Principal,
  type ServerLimits,
} from '@dictamesh/runtime';
import type { GatewayContext } from './context';
import { cachedSigner } from './plugins/authentication';
import { createHealthRoutes } from './plugins/readiness';
import { readCostModel } from './demand-control/cost-model';
import { createSubgraphAgent, createSubgraphFetcher } from './fetch/subgraph-fetcher';
import { SubgraphDataSource } from './fetch/subgraph-data-source';
import { PlanCache } from './fetch/plan-cache';
import { createGatewayMetrics } from './metrics';
import { reloadingSupergraph } from './plugins/hot-reload';
import { createIdeRoutes } from './plugins/ide';
import type { EventBus, OperationUsage } from '@dictamesh/events';
import { UsageStream } from './metering/usage-stream';
import { operationReportingPlugin } from './plugins/operation-reporting';
import { persistedOperations, type PersistedOperationsOptions } from './plugins/persisted-operations';
import { readAuthorizationPolicy, withSecurityFeaturesEnforced } from './authorization/policy';
import { authorizationPlugin } from './plugins/authorization';
import { demandControlPlugin, type DemandControlOptions } from './plugins/demand-control';
import { rateLimitCostPlugin, type GatewayRateLimits } from './plugins/rate-limit';
import { createSubscriptions, type SubscriptionOptions } from './plugins/subscriptions';
import { requestContext } from './request-context';
import { withoutSuggestions } from './hide-suggestions';
import type { SubgraphSource } from './supergraph';
import { GATEWAY_DEFAULTS } from './defaults';
import { GatewaySettings } from './settings';

/** Options of {@link createGatewayService}. */
export interface GatewayServiceOptions {
  /** Composed supergraph SDL (`composeSupergraph`). */
  supergraphSdl: string;
  /** The subgraphs in it, checked by `/readyz`. */
  subgraphs: readonly SubgraphSource[];
  logger: Logger;
  /** Serve introspection (on in development, off in production). */
  introspection: boolean;
  /** Largest request body, bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Proxies whose `X-Forwarded-For` gives the client address (rate limits per IP); see `HttpAppOptions.trustProxy`. */
  trustProxy?: boolean | number | string[];
  /** Request, headers, keep-alive and inactivity timeouts and the per-client connection cap (defaults: `DEFAULT_SERVER_LIMITS`). */
  serverLimits?: ServerLimits;
  /** Browser origins allowed to call the gateway (CORS); none by default. */
  corsOrigins?: string[];
  /** Serve the offline GraphQL IDE at `/ide` (GraphiQL from npm). Default: when introspection is on. */
  ide?: boolean;
  /** Entity change subscriptions (graphql-ws, graphql-sse); off when not given. */
  subscriptions?: SubscriptionOptions;
  /**
   * Authentication: who the caller is (`createAuthenticator`), and the key that signs the
   * principal onto every subgraph request (subgraphs trust only the gateway). Without it every
   * request is anonymous; without `tokens` subgraph requests carry no principal token.
   */
  auth?: { authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal>; tokens?: GatewayTokens };
  /**
   * Reload the supergraph without a restart when a subgraph SDL file changes and / or when a
   * subgraph reports another SDL (`pollIntervalMs`, 0 = off). Off when not given.
   */
  hotReload?: { watchFiles: boolean; pollIntervalMs: number };
  /** Longest wait for a subgraph answer, ms (then `GATEWAY_TIMEOUT`): one for all, or per subgraph name. Default `GATEWAY_DEFAULTS.subgraphTimeoutMs` (30 000). */
  subgraphTimeoutMs?: number | Record<string, number>;
  /** Approximate size bound of the query plan cache, MiB. Default `GATEWAY_DEFAULTS.planCacheMiB` (30). */
  planCacheMiB?: number;
  /** Share identical in-flight subgraph query fetches. Default true. */
  deduplicateFetches?: boolean;
  /** Request and cost budgets per client / organisation (in memory or on Redis); none when not given. */
  rateLimits?: GatewayRateLimits;
  /**
   * Persisted operations: a manifest of registered operations (Apollo's persisted query
   * manifest, `dictamesh operations publish`), the safelist mode, and automatic persisted
   * queries (APQ, on Redis when given so every instance shares them). Default: APQ on in memory,
   * no manifest, safelist off.
   */
  persistedQueries?: PersistedOperationsOptions;
  /** Dependencies `/readyz` checks besides the subgraphs (event bus, Redis…): name → probe that rejects when unreachable. */
  dependencies?: Record<string, () => Promise<unknown>>;
  /** Metering: every client operation's usage is published on this bus (`dictamesh.usage.operation`); off when not given. */
  usage?: { bus: EventBus; flushMs?: number };
  /** Demand control limits and mode; defaults: `GATEWAY_DEFAULTS.demandControl` (cost 50 000, depth 15, …). */
  demandControl?: Partial<Omit<DemandControlOptions, 'onCost'>> & { maxTokens?: number };
}

/** A gateway: HTTP app with `/graphql` (HTTP and graphql-ws), `/graphql/stream` (SSE), `/healthz`, `/readyz`, `/metrics`. */
export interface GatewayService {
  app: FastifyInstance;
  /** Rate limit and demand control limits, changed live (DictaMesh's own settings through the config client). */
  settings: GatewaySettings;
  close(): Promise<void>;
}

/**
 * The federation gateway: @apollo/gateway executing query plans over the subgraphs of a
 * static supergraph, served by Apollo Server on Fastify. Apollo's anonymous telemetry
 * (`APOLLO_TELEMETRY_DISABLED`), usage and schema reporting and the CDN-loaded landing page
 * are off: nothing leaves the machine.
 */
export async function createGatewayService(options: GatewayServiceOptions): Promise<GatewayService> {
  // @apollo/gateway reads this in its constructor; DictaMesh never phones home by default.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const sign = options.auth?.tokens ? cachedSigner(options.auth.tokens) : undefined;
  const metrics = createGatewayMetrics();
  const agent = createSubgraphAgent();
  const timeoutOf = (name: string) =>
    typeof options.subgraphTimeoutMs === 'number'
      ? options.subgraphTimeoutMs
      : (options.subgraphTimeoutMs?.[name] ?? GATEWAY_DEFAULTS.subgraphTimeoutMs);
  // what the gateway reads from a supergraph's directives, from one parse of it
  const readPolicies = (sdl: string) => {
    const document = parse(sdl);
    return { costModel: readCostModel(document), authorization: readAuthorizationPolicy(document) };
  };
  let { costModel, authorization } = readPolicies(options.supergraphSdl);
  const probeHeaders = async (): Promise<Record<string, string>> => (sign ? { [PRINCIPAL_HEADER]: await sign(ANONYMOUS) } : {});
  const gateway = new ApolloGateway({
    supergraphSdl: options.hotReload
      ? reloadingSupergraph({
          initial: options.supergraphSdl,
          subgraphs: options.subgraphs,
          ...options.hotReload,
          headers: probeHeaders,
          log: options.logger,
          forGateway: withSecurityFeaturesEnforced,
          onSupergraph: (sdl) => {
            ({ costModel, authorization } = readPolicies(sdl));
            metrics.supergraphLoaded();
          },
        })
      : withSecurityFeaturesEnforced(options.supergraphSdl),
    logger: options.logger,
    queryPlannerConfig: { cache: new PlanCache<QueryPlan>(options.planCacheMiB ?? GATEWAY_DEFAULTS.planCacheMiB, metrics.planCache) },
    buildService: ({ name, url }) =>
      new SubgraphDataSource<GatewayContext>({
        url,
        fetcher: createSubgraphFetcher({
          subgraph: name,
          timeoutMs: timeoutOf(name),
          agent,
          deduplicate: options.deduplicateFetches ?? GATEWAY_DEFAULTS.deduplicateFetches,
          observer: metrics.fetches,
        }),
        async willSendRequest({ request, context }) {
          if (sign) request.http?.headers.set(PRINCIPAL_HEADER, await sign(context.principal ?? ANONYMOUS, context.origin));
          // W3C trace context of the gateway's fetch span: the subgraph's spans continue the trace
          for (const [name, value] of Object.entries(injectContext({}))) request.http?.headers.set(name, value);
        },
      }),
  });
  const subscriptions = options.subscriptions
    ? createSubscriptions(gateway, { ...options.subscriptions, hideSuggestions: !options.introspection }, options.logger)
    : undefined;
  if (subscriptions) metrics.subscriptions(() => subscriptions.size);
  // one object each, read on every operation: `settings.apply` changes them in place
  const { maxTokens, ...limits } = { ...GATEWAY_DEFAULTS.demandControl, ...options.demandControl };
  const parseOptions = { maxTokens };
  const settings = new GatewaySettings(limits, parseOptions, options.rateLimits, options.logger);
  const persisted = persistedOperations(options.persistedQueries ?? {}, () => parseOptions.maxTokens);
  const usage = options.usage
    ? new UsageStream({
        bus: options.usage.bus,
        log: options.logger,
        onDropped: metrics.usageDropped,
        ...(options.usage.flushMs ? { flushMs: options.usage.flushMs } : {}),
      })
    : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    // without introspection the schema is not public: no "Did you mean …?" naming its fields
    hideSchemaDetailsFromClientErrors: !options.introspection,
    formatError: options.introspection ? createErrorFormatter(options.logger) : withoutSuggestions(createErrorFormatter(options.logger)),
    includeStacktraceInErrorResponses: false,
    parseOptions,
    persistedQueries: persisted.apolloOption,
    plugins: [
      operationReportingPlugin(metrics.operation, ...(usage ? [(u: OperationUsage) => usage.record(u)] : [])),
      persisted.plugin,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // demand control refuses in didResolveOperation; authorization filters in responseForOperation, only what passed
      demandControlPlugin(Object.assign(limits, { onCost: metrics.operationCost }), () => costModel),
      authorizationPlugin(() => authorization, metrics.unauthorizedFields),
      ...(options.rateLimits ? [rateLimitCostPlugin(options.rateLimits)] : []), // after demand control: it charges the cost
    ],
  });
  await apollo.start();

  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = createHttpApp({
    logger: options.logger,
    bodyLimitBytes,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    // SSE subscriptions are quiet between events (graphql-sse pings every 12 s); WebSocket ones are upgraded out of the timeouts
    serverLimits: { ...options.serverLimits, longLivedPaths: ['/graphql/stream'] },
  });
  if (options.corsOrigins?.length) {
    await app.register(cors, {
      origin: options.corsOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'apollo-require-preflight', 'traceparent'],
      exposedHeaders: ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'],
      credentials: true,
      maxAge: 600,
    });
  }
  const context = requestContext({
    ...(options.auth ? { authenticate: options.auth.authenticate } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  app.route({ url: '/graphql', method: ['GET', 'POST'], handler: tracedRoute(fastifyApolloHandler(apollo, { context })) });
  createHealthRoutes(app, options.subgraphs, probeHeaders, options.dependencies);
  if (options.ide ?? options.introspection) createIdeRoutes(app);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  const live = await subscriptions?.start(app, apollo, bodyLimitBytes, options.auth?.authenticate, persisted.transportRefusal);
  return {
    app,
    settings,
    async close() {
      await live?.close();
      await app.close();
      await apollo.stop();
      await usage?.close();
      await agent.close();
    },
  };
}
