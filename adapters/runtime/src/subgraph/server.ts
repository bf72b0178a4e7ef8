import { checkTables, failingTables, type Database } from '@dictamesh/db';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { createSubgraphService, type ReadinessCheck, type SubgraphService } from '@dictamesh/subgraph-kit';
import type { AdapterHost } from '../host';
import type { AdaptersServices } from './context';
import { buildAdaptersSchema } from './schema';

/** The tables the adapter runtime reads and writes: its readiness. */
const RUNTIME_TABLES = ['dictamesh_adapter_registrations', 'dictamesh_adapter_checkpoints', 'dictamesh_schemas'];

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
}

/**
 * Ready when the runtime's own tables can be read (`checkTables` of @dictamesh/db, reduced to
 * {@link RUNTIME_TABLES}: a damaged entity table makes the catalog unready, not the runtime).
 */
function runtimeTablesReadiness(db: Pick<Database, 'runner' | 'kind'>): ReadinessCheck {
  return async () => {
    const failing = failingTables(await checkTables(db.runner));
    const own = Object.fromEntries(Object.entries(failing).filter(([table]) => table === '*' || RUNTIME_TABLES.includes(table)));
    return Object.keys(own).length === 0
      ? { ready: true, details: { database: db.kind } }
      : { ready: false, details: { database: db.kind, tables: own } };
  };
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
    readiness: { database: runtimeTablesReadiness(db) },
  });
}
