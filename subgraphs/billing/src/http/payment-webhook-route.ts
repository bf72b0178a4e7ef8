import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '@dictamesh/db';
import { err, rawBodyOf } from '@dictamesh/runtime';
import { applyPaymentWebhook } from '../payments/ledger';
import type { PaymentProviders } from '../payments';

/** Path of the payment providers' webhooks (`:provider` is `stripe`). */
export const PAYMENT_WEBHOOK_PATH = '/webhooks/payments/:provider';

/**
 * `POST /webhooks/payments/:provider`: a payment provider's webhook, verified on its raw body
 * (Stripe: `Stripe-Signature`, HMAC-SHA256, 300 s tolerance), applied once per provider event
 * id. 401 `WEBHOOK_SIGNATURE_INVALID` (nothing written), 404 for a provider without webhooks,
 * 200 `{ received: true, applied }` otherwise (also for events it ignores, so the provider stops
 * redelivering them).
 */
export function registerPaymentWebhookRoute(
  app: FastifyInstance,
  deps: {
    prisma: PrismaClient;
    providers: PaymentProviders;
    now: () => Date;
    onApplied?(provider: string, kind: string): void;
  },
): void {
  app.post<{ Params: { provider: string } }>(PAYMENT_WEBHOOK_PATH, async (request) => {
    const name = request.params.provider;
    const provider = deps.providers.has(name) ? deps.providers.get(name) : undefined;
    if (!provider?.parseWebhook) throw err('NOT_FOUND', 'No payment provider with webhooks has this name.', { provider: name });
    const event = provider.parseWebhook(rawBodyOf(request), request.headers, deps.now());
    const applied = await applyPaymentWebhook(deps.prisma, name, event, deps.now());
    deps.onApplied?.(name, event.kind);
    return { received: true, applied };
  });
}
