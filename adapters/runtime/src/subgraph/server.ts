import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { checkTables, failingTables, type Database } from '@dictamesh/db';
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
import type { AdapterHost } from '../host';
import { createAdaptersContext, type AdaptersContext } from './context';
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

/** The adapters subgraph's HTTP app and how to stop it. */
export interface AdaptersSubgraph {
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The adapters subgraph: Apollo Server (Federation 2 schema of `schemas/subgraphs/adapters.graphql`,
 * masked errors, no landing page or reporting) on Fastify with `/graphql`, `/healthz`, `/readyz`
 * (its tables readable) and `/metrics` (process metrics). Listening is left to the caller.
 */
export async function createAdaptersSubgraph(options: AdaptersSubgraphOptions): Promise<AdaptersSubgraph> {
  const { db, host, logger } = options;
  const apollo = new ApolloServer<AdaptersContext>({
    schema: buildAdaptersSchema(),
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
  // no per-address connection cap: the clients are gateways (requests need their signed principal)
  const app = createHttpApp({ logger, serverLimits: { ...options.serverLimits, maxConnectionsPerIp: 0 } });
  const principals = new WeakMap<FastifyRequest, Principal>();
  const handler = fastifyApolloHandler(apollo, {
    context: async (request) => createAdaptersContext(db.prisma, host, principals.get(request) ?? ANONYMOUS),
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
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    const failing = failingTables(await checkTables(db.runner));
    const own = Object.fromEntries(Object.entries(failing).filter(([table]) => table === '*' || RUNTIME_TABLES.includes(table)));
    if (Object.keys(own).length === 0) return { status: 'ok', database: db.kind };
    logger.warn({ tables: own }, 'readiness check failed');
    return reply.status(503).send({ status: 'unavailable', database: db.kind, tables: own });
  });
  return {
    app,
    async close() {
      await app.close();
      await apollo.stop();
    },
  };
}
