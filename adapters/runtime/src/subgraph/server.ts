import type { Registry } from 'prom-client';
import type { Database } from '@dictamesh/db';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { createSubgraphService, tableReadiness, type SubgraphService } from '@dictamesh/subgraph-kit';
import type { AdapterHost } from '../host';
import type { AdaptersServices } from './context';
import { buildAdaptersSchema } from './schema';

/** The tables the adapter runtime reads and writes: its readiness (a damaged entity table makes the catalog unready, not the runtime). */
const RUNTIME_TABLES = ['dictamesh_adapters', 'dictamesh_adapter_checkpoints', 'dictamesh_schemas'];

/** Options of {@link createAdaptersSubgraph}. */
export interface AdaptersSubgraphOptions {
  db: Database;
  host: AdapterHost;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  /** Verifies the gateway's principal token on every `/graphql` request (401 without a valid one); unset: every caller is anonymous and trusted (tests). */
  gatewayTokens?: GatewayTokens;
  serverLimits?: ServerLimits;
  /** Registry served at `/metrics` (the runtime's adapter metrics); default: process metrics only. */
  registry?: Registry;
}

/**
 * The adapters subgraph on the subgraph kit: the Federation 2 schema of
 * `schemas/subgraphs/adapters.graphql` (owner of `Adapter`) with the gateway principal, masked
 * errors, `/healthz`, `/readyz` (the runtime's tables readable) and `/metrics`. No consumer
 * groups: the runtime publishes, it does not consume. Listening is left to the caller.
 */
export function createAdaptersSubgraph(options: AdaptersSubgraphOptions): Promise<SubgraphService<never>> {
  const { db, host } = options;
  const services: AdaptersServices = { prisma: db.prisma, adapters: host };
  return createSubgraphService({
    schema: buildAdaptersSchema(),
    logger: options.logger,
    introspection: options.introspection,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    context: () => services,
    ...(options.registry ? { registry: options.registry } : {}),
    readiness: { database: tableReadiness(db, (table) => RUNTIME_TABLES.includes(table)) },
  });
}
