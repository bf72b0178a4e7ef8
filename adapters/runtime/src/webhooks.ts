import type { FastifyInstance } from 'fastify';
import { createWebhookServer, type WebhookAdapter, type WebhookObserver } from '@dictamesh/adapter-sdk';
import type { EventBus } from '@dictamesh/events';
import type { Logger, ServerLimits } from '@dictamesh/runtime';
import type { AdapterKinds } from './kinds';
import type { RegistrationRegistry } from './registrations';

/** Options of {@link createRuntimeWebhooks}. */
export interface RuntimeWebhooksOptions {
  bus: EventBus;
  kinds: AdapterKinds;
  registrations: RegistrationRegistry;
  logger: Logger;
  /** Refuse every delivery no registration's credentials verify (`WEBHOOK_UNVERIFIED`). */
  requireVerification: boolean;
  /** `NODE_ENV` is not `production`. */
  development: boolean;
  /** Largest accepted body, bytes. */
  bodyLimitBytes?: number;
  serverLimits?: ServerLimits;
  /** Told of every delivery's outcome (the webhook metrics). */
  observer?: WebhookObserver;
}

/**
 * The webhook endpoint of the adapter runtime: one receiver per installed kind whose definition
 * has a webhook factory (`AdapterDefinition.webhooks`), each reading that kind's registrations
 * from the runtime's registry, all served by one HTTP app (`/webhooks/<kind>…`, `/healthz`).
 * Kinds are discovered once, at start-up: a kind installed later gets its webhook routes on the
 * next start (its sync side is registrable at once).
 */
export async function createRuntimeWebhooks(options: RuntimeWebhooksOptions): Promise<FastifyInstance> {
  const adapters: WebhookAdapter[] = [];
  for (const definition of await options.kinds.list()) {
    if (!definition.webhooks) continue;
    adapters.push(
      definition.webhooks({
        registrations: options.registrations.forKind(definition.kind),
        requireVerification: options.requireVerification,
        development: options.development,
      }),
    );
  }
  return createWebhookServer({
    bus: options.bus,
    adapters,
    logger: options.logger,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
}
