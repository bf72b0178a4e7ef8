import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import secureJson from 'secure-json-parse';
import { DictaMeshError, err } from './errors';
import type { Logger } from './logger';
import { capConnectionsPerClient, DEFAULT_SERVER_LIMITS, fastifyTimeouts, type ServerLimits } from './server-limits';
import { extractContext, inSpan, SpanKind } from './telemetry';

/** Fastify's own client errors → registered DictaMesh codes. */
const FASTIFY_CODES: Record<string, DictaMeshError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_USER_INPUT',
};

/**
 * Installs DictaMesh's HTTP error policy on a Fastify app: DictaMeshError → its status and
 * `{ code, message, ...details }`; Fastify client errors → the matching registered code;
 * anything else → 500 `INTERNAL_SERVER_ERROR`, logged in full, never sent.
 */
export function installErrorHandler(app: FastifyInstance, limits: { bodyLimitBytes?: number } = {}): void {
  app.setErrorHandler((error: FastifyError | DictaMeshError | Error, request, reply) => {
    let known: DictaMeshError | undefined;
    if (error instanceof DictaMeshError) known = error;
    else if ('code' in error && typeof error.code === 'string' && FASTIFY_CODES[error.code]) {
      const code = FASTIFY_CODES[error.code]!;
      if (code === 'PAYLOAD_TOO_LARGE') known = err(code, undefined, { limitBytes: limits.bodyLimitBytes });
      else known = err(code, code === 'BAD_USER_INPUT' ? error.message : undefined);
    } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
      known = err('BAD_USER_INPUT', error.message);
    }
    if (known) request.log.warn({ code: known.code, reason: known.message }, 'request rejected');
    else request.log.error({ err: error }, 'unexpected error');
    const sent = known ?? err('INTERNAL_SERVER_ERROR');
    // GraphQL-over-HTTP clients expect `{ errors: [...] }` even when the body never reached GraphQL
    const body = request.url.startsWith('/graphql')
      ? { errors: [{ message: sent.message, extensions: { ...sent.details, code: sent.code } }] }
      : sent.toJSON();
    return reply.status(sent.status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(err('NOT_FOUND', `No route ${request.method} ${request.url}`).toJSON()),
  );
}

/** Largest accepted request body of every HTTP app unless it says otherwise (webhooks: `WEBHOOK_BODY_LIMIT_BYTES`), bytes: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  logger: Logger;
  /** Largest accepted request body, bytes. Default {@link DEFAULT_BODY_LIMIT_BYTES} (1 MiB). */
  bodyLimitBytes?: number;
  /**
   * Which proxies' `X-Forwarded-For` to believe for the client address (Fastify `trustProxy`):
   * `true` (any), a hop count, or addresses / CIDRs. Default: none (the socket's address).
   */
  trustProxy?: boolean | number | string[];
  /** Request, headers, keep-alive and inactivity timeouts and the per-client connection cap; defaults in {@link DEFAULT_SERVER_LIMITS}. */
  serverLimits?: ServerLimits;
}

/** The raw bytes of a JSON request body, kept by {@link createHttpApp} (for signature checks). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return (request as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
}

/**
 * A Fastify app with DictaMesh's logger, body limit and error policy
 * ({@link installErrorHandler}). JSON bodies are parsed with prototype-poisoning protection
 * (secure-json-parse), their raw bytes kept ({@link rawBodyOf}); unparseable ones are
 * answered 400 `MALFORMED_JSON`. Request logging is off; handlers log what matters. The
 * server closes connections that send their request too slowly, stay idle or exceed the
 * per-client cap ({@link ServerLimits}).
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const limits = options.serverLimits ?? {};
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit,
    ...fastifyTimeouts(limits),
    ...(options.trustProxy === undefined
      ? {}
      : { trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : options.trustProxy }),
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  capConnectionsPerClient(app.server, limits.maxConnectionsPerIp ?? DEFAULT_SERVER_LIMITS.maxConnectionsPerIp, options.logger);
  if (limits.longLivedPaths?.length) {
    const paths = new Set(limits.longLivedPaths);
    // a Server-Sent Events stream is quiet between events: no inactivity timeout on its socket
    app.addHook('onRequest', async (request) => {
      if (paths.has(request.url.split('?')[0]!)) request.raw.socket.setTimeout(0);
    });
  }
  installErrorHandler(app, { bodyLimitBytes: bodyLimit });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    (request as unknown as { rawBody: Buffer }).rawBody = body;
    if (body.length === 0) return done(err('MALFORMED_JSON', 'The request body is empty.'), undefined);
    try {
      done(null, secureJson.parse(body.toString('utf8'), undefined, { protoAction: 'remove', constructorAction: 'remove' }));
    } catch (cause) {
      done(err('MALFORMED_JSON', `The request body is not valid JSON: ${(cause as Error).message}`), undefined);
    }
  });
  return app;
}

/** Trusts the nearest `hops` proxies (Fastify's function form of `trustProxy`). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * Wraps a Fastify route handler in a server span (`<METHOD> <route>`, HTTP semantic
 * conventions) continuing the caller's W3C trace context from the request headers, so every
 * span of the request (plans, subgraph fetches, queries, publishes) belongs to the caller's
 * trace. The span records the response status; a thrown error marks it ERROR.
 */
export function tracedRoute<Req extends FastifyRequest, Rep extends FastifyReply, R>(
  handler: (request: Req, reply: Rep) => R | Promise<R>,
): (request: Req, reply: Rep) => Promise<R> {
  return (request, reply) => {
    const route = request.routeOptions?.url ?? request.url.split('?')[0]!;
    return inSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        parent: extractContext(request.headers),
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0]! },
      },
      async (span): Promise<R> => {
        const result = await handler(request, reply);
        span.setAttribute('http.response.status_code', reply.statusCode);
        return result;
      },
    );
  };
}
