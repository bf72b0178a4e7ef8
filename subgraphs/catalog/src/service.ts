import type { FastifyInstance } from 'fastify';
import type { Database } from '@dictamesh/db';
import type { Consumer, EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { createSubgraphService, tableReadiness } from '@dictamesh/subgraph-kit';
import type { CatalogServices } from './context';
import type { Embedder } from './embeddings/embedder';
import { catalogIngest, type CatalogIngestOptions } from './ingest/consumer';
import { deadLetterRecorder } from './ingest/dead-letters';
import { createCatalogMetrics } from './metrics';
import { buildCatalogSchema } from './schema';
import { startStorageReporter } from './storage/storage-reporter';

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
   * How often the catalog storage of every organisation is measured and published on
   * `dictamesh.usage.storage` (billing's `storage_gb`), ms; the first report goes out at start.
   * 0: never (default: {@link CATALOG_DEFAULTS}.storageReportIntervalMs).
   */
  storageReportIntervalMs?: number;
}

/** Defaults of the catalog service. */
export const CATALOG_DEFAULTS = {
  /** Storage measured and published per organisation every hour. */
  storageReportIntervalMs: 3_600_000,
} as const;

/** A running catalog subgraph: its HTTP app (`/graphql`, `/healthz`, `/readyz`, `/metrics`) and ingest. */
export interface CatalogService {
  app: FastifyInstance;
  ingest: Consumer;
  /** Stops the storage reporter, the dead-letter recorder and ingest (in-flight batch finishes), then the HTTP server. */
  close(): Promise<void>;
}

/**
 * Builds the catalog subgraph service on the subgraph kit (Apollo Server on Fastify, gateway
 * principal, masked errors, `/healthz` `/readyz` (every table readable) `/metrics`), with the
 * ingest and dead-letter consumer groups and the storage reporter. Listening is left to the
 * caller (`service.app.listen`).
 */
export async function createCatalogService(options: CatalogServiceOptions): Promise<CatalogService> {
  const { db, embedder, logger, bus } = options;
  const metrics = createCatalogMetrics();
  const services: CatalogServices = { prisma: db.prisma, embedder, bus };
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
  const interval = options.storageReportIntervalMs ?? CATALOG_DEFAULTS.storageReportIntervalMs;
  const storage =
    interval > 0
      ? await startStorageReporter({ prisma: db.prisma, bus, log: logger.child({ component: 'storage-reporter' }), intervalMs: interval })
      : undefined;
  return {
    app: service.app,
    ingest: service.consumers.ingest,
    close: async () => {
      await storage?.stop();
      await service.close();
    },
  };
}
