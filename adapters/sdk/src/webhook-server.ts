import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { EventBus } from '@dictamesh/events';
import { createHttpApp, rawBodyOf, type Logger, type ServerLimits, injectContext, tracedRoute } from '@dictamesh/runtime';
import { publishChanges } from './publish';
import type { WebhookAdapter } from './webhook-adapter';

/** Options of {@link createWebhookServer}. */
export interface WebhookServerOptions {
  bus: EventBus;
  adapters: readonly WebhookAdapter[];
  logger: Logger;
  /** Largest accepted request body, bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Request, headers, keep-alive and inactivity timeouts and the per-client connection cap (defaults: `DEFAULT_SERVER_LIMITS`). */
  serverLimits?: ServerLimits;
}

/**
 * The HTTP side of webhook adapters: `POST /webhooks/<adapter>[<route>]` with a JSON body.
 * The raw bytes are kept for signature checks ({@link rawBodyOf}); each delivery is parsed by its adapter and
 * published as CloudEvents. Answers `202 { accepted, events }` once the bus holds the events,
 * `202 { ignored, code: WEBHOOK_EVENT_IGNORED }` for events not ingested, and a 4xx with a
 * registered code for bodies it rejects; a body that is not `application/json` gets 415
 * `UNSUPPORTED_MEDIA_TYPE` before any adapter sees it. `GET /healthz` answers 200.
 */
export async function createWebhookServer(options: WebhookServerOptions): Promise<FastifyInstance> {
  const app = createHttpApp(options);
  // only JSON is parsed (createHttpApp); Fastify's built-in text/plain parser would hand the
  // adapters a string, refused as a bad payload (422) instead of the documented 415
  app.removeContentTypeParser('text/plain');

  app.get('/healthz', async () => ({ status: 'ok' }));

  for (const adapter of options.adapters) {
    for (const suffix of ['', ...adapter.routes]) {
      app.post(
        `/webhooks/${adapter.id}${suffix}`,
        tracedRoute(async (request: FastifyRequest, reply: FastifyReply) => {
          const receivedAt = new Date();
          const parsed = await adapter.parse(request.body, {
            rawBody: rawBodyOf(request),
            params: request.params as Record<string, string>,
            headers: request.headers,
            receivedAt,
          });
          if ('ignored' in parsed) {
            request.log.info({ adapter: adapter.id, event: parsed.sourceEvent, reason: parsed.reason }, 'webhook ignored');
            return reply
              .status(202)
              .send({ ignored: true, code: 'WEBHOOK_EVENT_IGNORED', event: parsed.sourceEvent, reason: parsed.reason });
          }
          // the request span's context when tracing, else the caller's header: the CloudEvent keeps where it came from
          const traceparent =
            injectContext({}).traceparent ?? (typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined);
          const events = await publishChanges(options.bus, parsed, traceparent);
          request.log.info({ adapter: adapter.id, event: parsed.sourceEvent, published: events.length }, 'webhook accepted');
          return reply.status(202).send({ accepted: events.length, event: parsed.sourceEvent, events });
        }),
      );
    }
  }
  return app;
}
