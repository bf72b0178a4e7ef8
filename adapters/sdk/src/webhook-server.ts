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
  /** Told of every request to a webhook route once its response is sent (the adapter runtime turns it into metrics). */
  observer?: WebhookObserver;
}

/** One request to a webhook route, as {@link WebhookObserver} is told of it. */
export interface WebhookDelivery {
  /** The route's adapter id (`/webhooks/<kind>…`: the adapter kind in the adapter runtime). */
  kind: string;
  /** `accepted`: events published (202); `ignored`: understood, nothing to ingest (202); `rejected`: any 4xx / 5xx. */
  result: 'accepted' | 'ignored' | 'rejected';
  /** `none` when accepted, `WEBHOOK_EVENT_IGNORED` when ignored, the registered error code answered when rejected. */
  code: string;
  /** Events published (0 unless accepted). */
  events: number;
  /** From the request's arrival to its response sent, seconds. */
  seconds: number;
}

/** Receives each webhook delivery's outcome ({@link WebhookDelivery}); must not throw. */
export interface WebhookObserver {
  delivered(delivery: WebhookDelivery): void;
}

/** Route config marking a webhook route with its adapter id. */
interface WebhookRouteConfig {
  webhookKind?: string;
}

/** The code of a rejection's JSON body (`{ code, message }`), else `INTERNAL_SERVER_ERROR`. */
function codeOf(payload: unknown): string {
  if (typeof payload !== 'string') return 'INTERNAL_SERVER_ERROR';
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  } catch {
    return 'INTERNAL_SERVER_ERROR';
  }
}

/**
 * Reports every request to a webhook route (routes with `config.webhookKind`, whatever their
 * outcome, content-type and body-size refusals included) to the observer once answered.
 * Requests to other paths (unknown kinds: 404) are not reported, so labels stay bounded.
 */
function observeDeliveries(
  app: FastifyInstance,
  observer: WebhookObserver,
  outcomes: WeakMap<FastifyRequest, Omit<WebhookDelivery, 'kind' | 'seconds'>>,
): void {
  const kindOf = (request: FastifyRequest) => (request.routeOptions.config as WebhookRouteConfig | undefined)?.webhookKind;
  app.addHook('onSend', async (request, reply, payload) => {
    if (kindOf(request) && reply.statusCode >= 400) outcomes.set(request, { result: 'rejected', code: codeOf(payload), events: 0 });
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const kind = kindOf(request);
    if (!kind) return;
    const outcome = outcomes.get(request) ?? { result: 'rejected', code: 'INTERNAL_SERVER_ERROR', events: 0 };
    observer.delivered({ kind, ...outcome, seconds: reply.elapsedTime / 1_000 });
  });
}

/**
 * The HTTP side of webhook adapters: `POST /webhooks/<adapter>[<route>]` with a JSON body.
 * The raw bytes are kept for signature checks ({@link rawBodyOf}); each delivery is parsed by its adapter and
 * published as CloudEvents. Answers `202 { accepted, events }` once the bus holds the events,
 * `202 { ignored, code: WEBHOOK_EVENT_IGNORED }` for events not ingested, and a 4xx with a
 * registered code for bodies it rejects; a body that is not `application/json` gets 415
 * `UNSUPPORTED_MEDIA_TYPE` before any adapter sees it. `GET /healthz` answers 200. Each
 * request to a webhook route is reported to `options.observer` once answered ({@link WebhookDelivery}).
 */
export async function createWebhookServer(options: WebhookServerOptions): Promise<FastifyInstance> {
  const app = createHttpApp(options);
  // only JSON is parsed (createHttpApp); Fastify's built-in text/plain parser would hand the
  // adapters a string, refused as a bad payload (422) instead of the documented 415
  app.removeContentTypeParser('text/plain');

  app.get('/healthz', async () => ({ status: 'ok' }));
  const outcomes = new WeakMap<FastifyRequest, Omit<WebhookDelivery, 'kind' | 'seconds'>>();
  if (options.observer) observeDeliveries(app, options.observer, outcomes);

  for (const adapter of options.adapters) {
    for (const suffix of ['', ...adapter.routes]) {
      app.post(
        `/webhooks/${adapter.id}${suffix}`,
        { config: { webhookKind: adapter.id } satisfies WebhookRouteConfig },
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
            outcomes.set(request, { result: 'ignored', code: 'WEBHOOK_EVENT_IGNORED', events: 0 });
            return reply
              .status(202)
              .send({ ignored: true, code: 'WEBHOOK_EVENT_IGNORED', event: parsed.sourceEvent, reason: parsed.reason });
          }
          // the request span's context when tracing, else the caller's header: the CloudEvent keeps where it came from
          const traceparent =
            injectContext({}).traceparent ?? (typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined);
          const events = await publishChanges(options.bus, parsed, traceparent);
          request.log.info({ adapter: adapter.id, event: parsed.sourceEvent, published: events.length }, 'webhook accepted');
          outcomes.set(request, { result: 'accepted', code: 'none', events: events.length });
          return reply.status(202).send({ accepted: events.length, event: parsed.sourceEvent, events });
        }),
      );
    }
  }
  return app;
}
