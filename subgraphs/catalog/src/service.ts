import type { FastifyInstance } from 'fastify';
import type { OutboundPolicy } from '@dictamesh/adapter-sdk';
import type { Database } from '@dictamesh/db';
import type { Consumer, EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { createSubgraphService, tableReadiness } from '@dictamesh/subgraph-kit';
import { AdapterHost } from './adapters/host';
import { AdapterKinds } from './adapters/kinds';
import type { SecretBox } from './adapters/secret-box';
import type { CatalogServices } from './context';
import type { Embedder } from './embeddings/embedder';
import { catalogIngest, type CatalogIngestOptions } from './ingest/consumer';
import { deadLetterRecorder } from './ingest/dead-letters';
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
  /** Stops the adapters, then the dead-letter recorder and ingest (in-flight batch finishes), then the HTTP server. */
  close(): Promise<void>;
}

/**
 * Builds the catalog subgraph service on the subgraph kit (Apollo Server on Fastify, gateway
 * principal, masked errors, `/healthz` `/readyz` (every table readable) `/metrics`), with the
 * ingest and dead-letter consumer groups and the adapter host. Listening is left to the caller
 * (`service.app.listen`).
 */
export async function createCatalogService(options: CatalogServiceOptions): Promise<CatalogService> {
  const { db, embedder, logger, bus } = options;
  const metrics = createCatalogMetrics();
  const adapters = new AdapterHost({
    prisma: db.prisma,
    bus,
    kinds: new AdapterKinds(options.adapters.directories, logger),
    secrets: options.adapters.secrets,
    log: logger.child({ component: 'adapters' }),
    ...(options.adapters.healthIntervalMs === undefined ? {} : { healthIntervalMs: options.adapters.healthIntervalMs }),
    ...(options.adapters.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.adapters.syncIntervalMs }),
    ...(options.adapters.outbound ? { outbound: options.adapters.outbound } : {}),
  });
  const services: CatalogServices = { prisma: db.prisma, embedder, bus, adapters };
  const service = await createSubgraphService({
    schema: buildCatalogSchema(),
    logger,
    introspection: options.introspection,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    context: () => services,
    readiness: { database: tableReadiness(db) },
    registry: metrics.registry,
    bus,
    consumers: {
      ingest: catalogIngest({
        prisma: db.prisma,
        embedder,
        log: logger,
        onApplied: (result, record) => {
          metrics.applied(result);
          options.onApplied?.(result, record);
        },
      }),
      deadLetters: deadLetterRecorder({ prisma: db.prisma, log: logger, onRecorded: metrics.deadLettersRecorded }),
    },
  });
  await adapters.startAll();

  return {
    app: service.app,
    ingest: service.consumers.ingest,
    adapters,
    async close() {
      await adapters.close();
      await service.close();
    },
  };
}
