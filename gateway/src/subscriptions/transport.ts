import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { GraphQLError, subscribe, type validate, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Response as SseResponse } from 'graphql-sse';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/fastify';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { supergraphAwareFieldResolver, type SupergraphExecutor } from './delegate';
import type { ConfigChangeHub } from './config-hub';
import type { EntityChangeHub } from './hub';
import type { NotificationHub } from './notification-hub';
import type { AdapterSyncHub } from './adapter-sync-hub';
import type { SubscriptionContext } from './schema';
import { ANONYMOUS, DictaMeshError, ERROR_CODES, type ErrorCode, type Principal } from '@dictamesh/runtime';

/** WebSocket close code sent to a subscriber that fell too far behind (application range 4000–4399). */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;

/** Options of {@link installSubscriptionTransports}. */
export interface SubscriptionTransportOptions {
  app: FastifyInstance;
  hub: EntityChangeHub;
  /** Configuration changes for `configChanged` (when the supergraph has them). */
  configHub?: ConfigChangeHub;
  /** In-app notifications for `notificationReceived` (when the supergraph has them). */
  notificationHub?: NotificationHub;
  /** Sync progress of source adapters for `adapterSyncProgress` (when the supergraph has them). */
  adapterSyncHub?: AdapterSyncHub;
  /** The current subscription schema (it follows supergraph updates). */
  schema: () => GraphQLSchema;
  execute: SupergraphExecutor;
  /** Notices buffered per subscription before the client is cut off. */
  bufferLimit: number;
  /** Largest WebSocket message, bytes. */
  maxPayloadBytes: number;
  /**
   * Who a subscriber is, from HTTP-style headers (as the gateway's HTTP requests): the
   * graphql-ws `connection_init` payload (`authorization`, `x-api-key`) over the upgrade
   * request's headers; the request headers for graphql-sse. Throws DictaMeshError to refuse.
   * Without it every subscriber is anonymous.
   */
  authenticate?(headers: Record<string, string | string[] | undefined>): Promise<Principal>;
  /** The safelist's verdict on an operation sent over these transports (error code, or null to run it). */
  refusal?(query: string): ErrorCode | null;
  /** Document validation (graphql-js `validate` when not given). */
  validate?: typeof validate;
}

/** WebSocket close code of a refused `connection_init` (graphql-ws: Forbidden). */
export const FORBIDDEN_CLOSE_CODE = 4403;

/**
 * Serves GraphQL subscriptions with the graphql-ws protocol on the WebSocket of `/graphql`
 * and with graphql-sse (Server-Sent Events, for clients without WebSocket) on
 * `/graphql/stream`. Subscribers authenticate as HTTP clients do (refused: WebSocket close
 * 4403, SSE 401) and receive only their organisation's changes (and their own notifications). Subscriptions run against the
 * subscription schema; queries and mutations sent over these transports go through the
 * supergraph like HTTP ones, as the subscriber.
 */
export function installSubscriptionTransports(options: SubscriptionTransportOptions): { close(): Promise<void> } {
  const { hub, execute, bufferLimit } = options;
  const configHub = {
    ...(options.configHub ? { configHub: options.configHub } : {}),
    ...(options.notificationHub ? { notificationHub: options.notificationHub } : {}),
    ...(options.adapterSyncHub ? { adapterSyncHub: options.adapterSyncHub } : {}),
  };
  const authenticate = async (headers: Record<string, string | string[] | undefined>) =>
    options.authenticate ? options.authenticate(headers) : ANONYMOUS;
  const run = {
    execute: async (args: ExecutionArgs): Promise<ExecutionResult> => {
      const { principal } = args.contextValue as SubscriptionContext;
      const result = await execute(args.document, (args.variableValues ?? {}) as Record<string, unknown>, principal);
      return {
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(result.errors ? { errors: result.errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions ?? {} })) } : {}),
      };
    },
    subscribe: (args: ExecutionArgs) => subscribe({ ...args, fieldResolver: supergraphAwareFieldResolver }),
    ...(options.validate ? { validate: options.validate } : {}),
  };

  const wss = new WebSocketServer({ server: options.app.server, path: '/graphql', maxPayload: options.maxPayloadBytes });
  const principals = new WeakMap<object, Principal>();
  const ws = useServer(
    {
      schema: () => options.schema(),
      onConnect: async (ctx) => {
        const params = lowerCaseKeys(ctx.connectionParams ?? {});
        try {
          principals.set(ctx.extra, await authenticate({ ...ctx.extra.request.headers, ...params }));
          return true;
        } catch (error) {
          if (error instanceof DictaMeshError) return false; // graphql-ws closes with 4403 Forbidden
          throw error;
        }
      },
      onSubscribe: (_ctx, _id, payload) => {
        const code = options.refusal?.(payload.query);
        return code ? [new GraphQLError(ERROR_CODES[code].message, { extensions: { code } })] : undefined;
      },
      context: (ctx): SubscriptionContext => ({
        hub,
        ...configHub,
        principal: principals.get(ctx.extra) ?? ANONYMOUS,
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
    onSubscribe: async (req, params) => {
      const code = options.refusal?.(params.query);
      if (code) return errorResponse(code, ERROR_CODES[code].message);
      try {
        principals.set(req, await authenticate(req.raw.headers));
      } catch (error) {
        if (!(error instanceof DictaMeshError)) throw error;
        return errorResponse(error.code, error.message, { 'www-authenticate': 'Bearer' });
      }
      return undefined;
    },
    context: (req) => ({
      hub,
      ...configHub,
      principal: principals.get(req) ?? ANONYMOUS,
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

/** A graphql-sse refusal: the GraphQL error body with the HTTP status registered for its code. */
function errorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}): SseResponse {
  const status = ERROR_CODES[code].status;
  return [
    JSON.stringify({ errors: [{ message, extensions: { code } }] }),
    { status, statusText: STATUS_CODES[status] ?? '', headers: { 'content-type': 'application/json', ...headers } },
  ];
}

/** `connection_init` payload keys as header names (`Authorization` → `authorization`); non-string values are dropped. */
function lowerCaseKeys(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (typeof v === 'string' ? [[k.toLowerCase(), v]] : [])));
}
