import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import type { Consumer, EventBus } from '@dictamesh/events';
import {
  createErrorFormatter,
  createHttpApp,
  err,
  tracedRoute,
  type GatewayTokens,
  type Logger,
  type ServerLimits,
} from '@dictamesh/runtime';
import { startConsumer, type ConsumerSpec } from './consumers';
import { createRequestContext, type SubgraphContext } from './context';
import { createMetricsRegistry, installMetricsRoute, registerConsumerLag } from './metrics';
import { principalGuard } from './principal';
import { installHealthRoutes, type ReadinessCheck } from './readiness';

/** Options of {@link createSubgraphService}. */
export interface SubgraphServiceOptions<Extra extends object, C extends string> {
  /** The Federation 2 subgraph schema with its resolvers (e.g. {@link loadSubgraphSchema}). */
  schema: GraphQLSchema;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  /**
   * Verifies the gateway's principal token on every `/graphql` request (subgraphs trust only
   * the gateway): without a valid one the request gets 401 `UNAUTHENTICATED`. Unset: every
   * caller is trusted and anonymous (tests, single-process development).
   */
  gatewayTokens?: GatewayTokens;
  /** Request, headers, keep-alive and inactivity timeouts (defaults: `DEFAULT_SERVER_LIMITS`); no per-client connection cap. */
  serverLimits?: ServerLimits;
  /**
   * The subgraph's own fields of a request's context (Prisma client, embedder, …), added to
   * the kit's {@link SubgraphContext} (principal, org, loaders) which it receives. Called once
   * per request; its fields cannot replace the kit's. Default: none.
   */
  context?: (base: SubgraphContext) => Extra | Promise<Extra>;
  /** Checks behind `/readyz`, by name (e.g. `{ database: tableReadiness(db) }`). Default: none (always ready). */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Registry served at `/metrics` with the subgraph's own metrics on it (default: a new {@link createMetricsRegistry}). */
  registry?: Registry;
  /** The event bus the consumers read (required with `consumers`). */
  bus?: EventBus;
  /**
   * Consumer groups to start once the HTTP app is built, in this order (stopped in the
   * reverse order by `close()`), each committing after its write ({@link startConsumer});
   * their lag is exported as `dictamesh_consumer_lag{group}`.
   */
  consumers?: Readonly<Record<C, ConsumerSpec>>;
}

/** A running subgraph: its HTTP app (`/graphql`, `/healthz`, `/readyz`, `/metrics`) and consumers. */
export interface SubgraphService<C extends string> {
  /** Not listening yet: the caller listens (`service.app.listen`). */
  app: FastifyInstance;
  registry: Registry;
  /** The running consumer group members, by the names given in the options. */
  consumers: Readonly<Record<C, Consumer>>;
  /** Graceful stop: the consumers (each finishes its write in flight, then leaves its group), then the HTTP server, then Apollo. */
  close(): Promise<void>;
}

/**
 * Builds a subgraph service: Apollo Server (masked errors from the error registry, no
 * landing page, no reporting or inline traces) on Fastify (`createHttpApp`: body limits,
 * error policy, slow-client limits) with `/graphql` in a server span continuing the caller's
 * trace (`tracedRoute`) and refused without the gateway's principal token, `/healthz`,
 * `/readyz`, `/metrics`, then the consumer groups.
 *
 * @throws DictaMeshError `CONFIGURATION_INVALID` when `consumers` are given without `bus`; a
 *   consumer's subscribe error (the consumers started before it are stopped first)
 */
export async function createSubgraphService<Extra extends object = object, C extends string = never>(
  options: SubgraphServiceOptions<Extra, C>,
): Promise<SubgraphService<C>> {
  const { logger } = options;
  const specs = Object.entries(options.consumers ?? {}) as Array<[C, ConsumerSpec]>;
  const bus = options.bus;
  if (specs.length > 0 && !bus) throw err('CONFIGURATION_INVALID', 'A subgraph with consumers needs an event bus', { field: 'bus' });

  const apollo = new ApolloServer<SubgraphContext & Extra>({
    schema: options.schema,
    introspection: options.introspection,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();

  // no per-address connection cap: a subgraph's clients are gateways (requests need their signed
  // principal), each pooling up to 128 connections to it; a busy gateway must not be refused
  const app = createHttpApp({ logger, serverLimits: { ...options.serverLimits, maxConnectionsPerIp: 0 } });
  const guard = principalGuard(options.gatewayTokens);
  const handler = fastifyApolloHandler(apollo, {
    context: async (request) => {
      const base = createRequestContext(guard.principalOf(request), guard.originOf(request));
      return { ...((await options.context?.(base)) as Extra), ...base };
    },
  });
  app.route({
    url: '/graphql',
    method: ['GET', 'POST'],
    ...(guard.preHandler ? { preHandler: guard.preHandler } : {}),
    handler: tracedRoute(handler),
  });
  installHealthRoutes(app, options.readiness ?? {}, logger);
  const registry = options.registry ?? createMetricsRegistry();
  if (bus && specs.length > 0)
    registerConsumerLag(
      registry,
      bus,
      specs.map(([, spec]) => spec.groupId),
    );
  installMetricsRoute(app, registry);

  const started: Array<[C, Consumer]> = [];
  const stopConsumers = async () => {
    for (const [, consumer] of started.splice(0).reverse()) await consumer.stop();
  };
  try {
    for (const [name, spec] of specs) started.push([name, await startConsumer(bus!, spec)]);
  } catch (error) {
    await stopConsumers();
    await app.close();
    await apollo.stop();
    throw error;
  }

  return {
    app,
    registry,
    consumers: Object.fromEntries(started) as Record<C, Consumer>,
    async close() {
      await stopConsumers();
      await app.close();
      await apollo.stop();
    },
  };
}
