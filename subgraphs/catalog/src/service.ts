import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OutboundPolicy } from '@dictamesh/adapter-sdk';
import { checkTables, failingTables, type Database } from '@dictamesh/db';
import type { Consumer, EventBus } from '@dictamesh/events';
import {
  ANONYMOUS,
  createErrorFormatter,
  createHttpApp,
  PRINCIPAL_HEADER,
  type GatewayTokens,
  type Logger,
  type Principal,
  type ServerLimits,
  tracedRoute,
} from '@dictamesh/runtime';
import { AdapterHost } from './adapters/host';
import { AdapterKinds } from './adapters/kinds';
import type { SecretBox } from './adapters/secret-box';
import { createContext, type CatalogContext } from './context';
import type { Embedder } from './embeddings/embedder';
import { startCatalogIngest, type CatalogIngestOptions } from './ingest/consumer';
import { DEAD_LETTER_CONSUMER_GROUP, startDeadLetterRecorder } from './ingest/dead-letters';
import { CATALOG_CONSUMER_GROUP } from './ingest/consumer';
import { createCatalogMetrics } from './metrics';
import { buildCatalogSchema } from './schema';

/** Options of {@link createCatalogService}. */
export interface CatalogServiceOptions {
  db: Database;
  bus: EventBus;
  embedder: Embedder;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  onApplied?: CatalogIngestOptions['onApplied'];
  /**
   * Verifies the gateway's principal token on every `/graphql` request (subgraphs trust only
   * the gateway): without a valid one the request gets 401 `UNAUTHENTICATED`. Unset: every
   * caller is trusted and anonymous (tests, single-process development).
   */
  gatewayTokens?: GatewayTokens;
  /** Request, headers, keep-alive and inactivity timeouts (defaults: `DEFAULT_SERVER_LIMITS`); no per-client connection cap. */
  serverLimits?: ServerLimits;
  /**
   * The adapter host: where adapter packages are found, the secret key, its periods (ms), and
   * which source addresses adapters may reach (default: public addresses only).
   */
  adapters: {
    directories: readonly string[];
    secrets: SecretBox;
    healthIntervalMs?: number;
    syncIntervalMs?: number;
    outbound?: OutboundPolicy;
  };
}

/** A running catalog subgraph: its HTTP app (`/graphql`, `/healthz`, `/readyz`, `/metrics`) and ingest. */
export interface CatalogService {
  app: FastifyInstance;
  ingest: Consumer;
  adapters: AdapterHost;
  /** Stops the adapters, then ingest (in-flight record finishes), then the HTTP server. */
  close(): Promise<void>;
}

/**
 * Builds the catalog subgraph service: Apollo Server (Federation 2 subgraph schema, masked
 * errors, no landing page or reporting) on Fastify, plus the ingest consumer. Listening is
 * left to the caller (`service.app.listen`).
 */
export async function createCatalogService(options: CatalogServiceOptions): Promise<CatalogService> {
  const { db, embedder, logger } = options;
  const apollo = new ApolloServer<CatalogContext>({
    schema: buildCatalogSchema(),
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

  const adapters = new AdapterHost({
    prisma: db.prisma,
    bus: options.bus,
    kinds: new AdapterKinds(options.adapters.directories, logger),
    secrets: options.adapters.secrets,
    log: logger.child({ component: 'adapters' }),
    ...(options.adapters.healthIntervalMs === undefined ? {} : { healthIntervalMs: options.adapters.healthIntervalMs }),
    ...(options.adapters.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.adapters.syncIntervalMs }),
    ...(options.adapters.outbound ? { outbound: options.adapters.outbound } : {}),
  });
  // no per-address connection cap: the catalog's clients are gateways (requests need their signed
  // principal), each pooling up to 128 connections to it; a busy gateway must not be refused
  const app = createHttpApp({ logger, serverLimits: { ...options.serverLimits, maxConnectionsPerIp: 0 } });
  const principals = new WeakMap<FastifyRequest, Principal>();
  const handler = fastifyApolloHandler(apollo, {
    context: async (request) => createContext(db.prisma, embedder, options.bus, adapters, principals.get(request) ?? ANONYMOUS),
  });
  const tokens = options.gatewayTokens;
  app.route({
    url: '/graphql',
    method: ['GET', 'POST'],
    ...(tokens
      ? {
          preHandler: async (request: FastifyRequest) => {
            const header = request.headers[PRINCIPAL_HEADER];
            principals.set(request, await tokens.verify(Array.isArray(header) ? header[0] : header));
          },
        }
      : {}),
    handler: tracedRoute(handler),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const metrics = createCatalogMetrics(options.bus, [CATALOG_CONSUMER_GROUP, DEAD_LETTER_CONSUMER_GROUP]);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  // ready when every catalog table can be read (a corrupted or missing data file shows here, not only in queries)
  app.get('/readyz', async (_request, reply) => {
    const failing = failingTables(await checkTables(db.runner));
    if (Object.keys(failing).length === 0) return { status: 'ok', database: db.kind };
    logger.warn({ tables: failing }, 'readiness check failed');
    return reply.status(503).send({ status: 'unavailable', database: db.kind, tables: failing });
  });

  const ingest = await startCatalogIngest({
    bus: options.bus,
    prisma: db.prisma,
    embedder,
    log: logger,
    onApplied: (result, record) => {
      metrics.applied(result);
      options.onApplied?.(result, record);
    },
  });

  const deadLetters = await startDeadLetterRecorder({
    bus: options.bus,
    prisma: db.prisma,
    log: logger,
    onRecorded: metrics.deadLettersRecorded,
  });

  await adapters.startAll();

  return {
    app,
    ingest,
    adapters,
    async close() {
      await adapters.close();
      await deadLetters.stop();
      await ingest.stop();
      await app.close();
      await apollo.stop();
    },
  };
}
