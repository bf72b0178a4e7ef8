import type { FastifyInstance } from 'fastify';
import { GraphQLError, subscribe, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/fastify';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { supergraphAwareFieldResolver, type SupergraphExecutor } from './delegate';
import type { EntityChangeHub } from './hub';
import type { SubscriptionContext } from './schema';

/** WebSocket close code sent to a subscriber that fell too far behind (application range 4000–4399). */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;

/** Options of {@link installSubscriptionTransports}. */
export interface SubscriptionTransportOptions {
  app: FastifyInstance;
  hub: EntityChangeHub;
  /** The current subscription schema (it follows supergraph updates). */
  schema: () => GraphQLSchema;
  execute: SupergraphExecutor;
  /** Notices buffered per subscription before the client is cut off. */
  bufferLimit: number;
  /** Largest WebSocket message, bytes. */
  maxPayloadBytes: number;
}

/**
 * Serves GraphQL subscriptions with the graphql-ws protocol on the WebSocket of `/graphql`
 * and with graphql-sse (Server-Sent Events, for clients without WebSocket) on
 * `/graphql/stream`. Subscriptions run against the subscription schema; queries and
 * mutations sent over these transports go through the supergraph like HTTP ones.
 */
export function installSubscriptionTransports(options: SubscriptionTransportOptions): { close(): Promise<void> } {
  const { hub, execute, bufferLimit } = options;
  const run = {
    execute: async (args: ExecutionArgs): Promise<ExecutionResult> => {
      const result = await execute(args.document, (args.variableValues ?? {}) as Record<string, unknown>);
      return {
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(result.errors ? { errors: result.errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions ?? {} })) } : {}),
      };
    },
    subscribe: (args: ExecutionArgs) => subscribe({ ...args, fieldResolver: supergraphAwareFieldResolver }),
  };

  const wss = new WebSocketServer({ server: options.app.server, path: '/graphql', maxPayload: options.maxPayloadBytes });
  const ws = useServer(
    {
      schema: () => options.schema(),
      context: (ctx): SubscriptionContext => ({
        hub,
        execute,
        bufferLimit,
        disconnect: (reason) => ctx.extra.socket.close(SLOW_SUBSCRIBER_CLOSE_CODE, reason.slice(0, 120)),
      }),
      ...run,
    },
    wss,
  );

  const sse = createSseHandler<SubscriptionContext & Record<PropertyKey, unknown>>({
    schema: () => options.schema(),
    context: (req) => ({
      hub,
      execute,
      bufferLimit,
      disconnect: () => req.context.reply.raw.destroy(),
    }),
    ...run,
  });
  options.app.route({ url: '/graphql/stream', method: ['GET', 'POST', 'PUT', 'DELETE'], handler: (request, reply) => sse(request, reply) });

  return {
    async close() {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
