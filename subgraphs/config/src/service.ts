import type { FastifyInstance } from 'fastify';
import type { Database } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { createSubgraphService, tableReadiness } from '@dictamesh/subgraph-kit';
import type { ConfigServices } from './context';
import { buildConfigSchema } from './schema';

/** Config's tables besides `dictamesh_config_*`. */
const CONFIG_TABLES = ['dictamesh_configurations', 'dictamesh_encryption_keys'];

/** Options of {@link createConfigService}. */
export interface ConfigServiceOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  /** Verifies the gateway's principal token on every `/graphql` request (401 without); unset: every caller is anonymous and trusted (tests). */
  gatewayTokens?: GatewayTokens;
  serverLimits?: ServerLimits;
  /** Envelope encryption of secret values (a `Keyring` of @dictamesh/secrets). */
  secrets: SecretSealer;
  /** The clock (tests inject one). */
  now?: () => Date;
}

/** A running config subgraph. */
export interface ConfigService {
  app: FastifyInstance;
  services: ConfigServices;
  /** Stops HTTP. */
  close(): Promise<void>;
}

/**
 * Builds the config subgraph on the subgraph kit: the Federation 2 schema of
 * `schemas/subgraphs/config.graphql` (hierarchical configuration, versions, audit, watchers,
 * feature flags, the key ring). Listening is left to the caller.
 */
export async function createConfigService(options: ConfigServiceOptions): Promise<ConfigService> {
  const { db, bus, logger } = options;
  const now = options.now ?? (() => new Date());
  const services: ConfigServices = {
    prisma: db.prisma,
    now,
    secrets: options.secrets,
    publishChanges: () => {},
    log: logger,
  };
  const service = await createSubgraphService({
    schema: buildConfigSchema(),
    logger,
    introspection: options.introspection,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    context: () => services,
    // its own tables only
    readiness: { database: tableReadiness(db, (table) => table.startsWith('dictamesh_config') || CONFIG_TABLES.includes(table)) },
    bus,
  });
  return { app: service.app, services, close: () => service.close() };
}
