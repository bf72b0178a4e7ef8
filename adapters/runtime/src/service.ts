import type { FastifyInstance } from 'fastify';
import type { OutboundPolicy } from '@dictamesh/adapter-sdk';
import type { Database } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { installMetricsRoute } from '@dictamesh/subgraph-kit';
import { AdapterHost } from './host';
import { AdapterKinds } from './kinds';
import type { AdapterSecretKeys } from './adapter-secrets';
import { createAdapterMetrics, createWebhookMetrics } from './metrics';
import { createAdaptersSubgraph } from './subgraph/server';
import { createRuntimeWebhooks } from './webhooks';

/** Options of {@link createAdapterRuntime}. Durations in ms. */
export interface AdapterRuntimeOptions {
  /** The database holding `dictamesh_adapter_registrations` / `_checkpoints` (in one process, the catalog's own instance). */
  db: Database;
  bus: EventBus;
  logger: Logger;
  /** Serve introspection on the subgraph (development). */
  introspection: boolean;
  /** Verifies the gateway's principal token on every subgraph request; unset: every caller is trusted and anonymous (tests). */
  gatewayTokens?: GatewayTokens;
  /** Timeouts and per-client connection cap of both servers (the subgraph has no connection cap). */
  serverLimits?: ServerLimits;
  /** Where adapter packages are found (directories of `<name>/package.json`). */
  directories: readonly string[];
  /** The key ring of adapter secrets, and the legacy box of rows sealed before it (re-sealed at start). */
  secrets: AdapterSecretKeys;
  healthIntervalMs?: number;
  syncIntervalMs?: number;
  /** Lease duration; see `AdapterHostOptions.leaseMs`. */
  leaseMs?: number;
  /** Which source addresses adapters may reach (default: public addresses only). */
  outbound?: OutboundPolicy;
  /** Webhook verification policy and body limit. */
  webhooks: { requireVerification: boolean; development: boolean; bodyLimitBytes?: number };
}

/** A running adapter runtime: its subgraph app, its webhook app, the host running the adapters. */
export interface AdapterRuntime {
  /** `/graphql` (the adapters subgraph), `/healthz`, `/readyz`, `/metrics` (process and adapter metrics). */
  subgraph: FastifyInstance;
  /** `/webhooks/<kind>…` of every kind with a webhook side, `/healthz`, `/metrics` (the webhook metrics). */
  webhooks: FastifyInstance;
  host: AdapterHost;
  /** Stops taking webhooks; call before draining the bus. */
  closeWebhooks(): Promise<void>;
  /** Stops the webhooks (if still open), the adapters (leases released for other instances) and the subgraph. */
  close(): Promise<void>;
}

/**
 * Builds the adapter runtime service: the adapter host (registrations, sealed secrets, leases
 * shared with other instances through the database, lifecycle, health, syncs), the adapters
 * subgraph that owns `Adapter`, and the webhook endpoint whose receivers read their kind's
 * registrations from the host's registry. The adapter metrics (`dictamesh_adapter_*`) are served on
 * the subgraph's `/metrics`, the webhook metrics (`dictamesh_webhook_*`) on the webhook app's own
 * `/metrics`. Starts the adapters this instance takes on; listening is left to the caller.
 */
export async function createAdapterRuntime(options: AdapterRuntimeOptions): Promise<AdapterRuntime> {
  const { db, logger } = options;
  const kinds = new AdapterKinds(options.directories, logger);
  const metrics = createAdapterMetrics();
  const webhookMetrics = createWebhookMetrics();
  const host = new AdapterHost({
    prisma: db.prisma,
    bus: options.bus,
    kinds,
    secrets: options.secrets,
    log: logger,
    ...(options.healthIntervalMs === undefined ? {} : { healthIntervalMs: options.healthIntervalMs }),
    ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.outbound ? { outbound: options.outbound } : {}),
    metrics,
  });
  const subgraph = await createAdaptersSubgraph({
    db,
    host,
    logger,
    introspection: options.introspection,
    registry: metrics.registry,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
  });
  const webhooks = await createRuntimeWebhooks({
    bus: options.bus,
    kinds,
    registrations: host.registrations,
    logger: logger.child({ component: 'webhooks' }),
    requireVerification: options.webhooks.requireVerification,
    development: options.webhooks.development,
    observer: webhookMetrics.observer,
    ...(options.webhooks.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.webhooks.bodyLimitBytes }),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
  });
  installMetricsRoute(webhooks, webhookMetrics.registry);
  await host.startAll();
  let webhooksClosed: Promise<void> | undefined;
  const closeWebhooks = () => (webhooksClosed ??= webhooks.close().then(() => undefined));
  return {
    subgraph: subgraph.app,
    webhooks,
    host,
    closeWebhooks,
    async close() {
      await closeWebhooks();
      await host.close();
      await subgraph.close();
    },
  };
}
