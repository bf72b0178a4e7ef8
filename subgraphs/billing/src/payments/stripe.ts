import Stripe from 'stripe';
import { err } from '@dictamesh/runtime';
import {
  checkAmount,
  type CollectRequest,
  type CollectResult,
  type PaymentProvider,
  type PaymentWebhookEvent,
  type RefundRequest,
  type RefundResult,
} from './provider';

/** Stripe's API, the base URL an operator configures in production (tests use stripe-mock's). */
export const STRIPE_API_BASE_URL = 'https://api.stripe.com';

/** Oldest webhook signature accepted, in seconds (Stripe's recommended tolerance against replays). */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/** Configuration of {@link StripePaymentProvider}. */
export interface StripeProviderConfig {
  /** Secret API key (`sk_live_…`, `sk_test_…`; stripe-mock takes any `sk_test_…`). */
  secretKey: string;
  /**
   * Base URL of the API, `protocol://host[:port]` without a path: {@link STRIPE_API_BASE_URL},
   * or stripe-mock's (`http://127.0.0.1:12111`). Required, so that nothing reaches Stripe unless
   * an operator says so.
   */
  apiBaseUrl: string;
  /** Signing secret of the webhook endpoint (`whsec_…`); without it, webhooks are refused. */
  webhookSecret?: string | null;
  /** PaymentMethod charged off-session (the customer's saved one); default `pm_card_visa` (a test-mode card). */
  paymentMethod?: string;
  /** Retries of a failed request by the SDK (idempotent, with backoff); default 2. */
  maxNetworkRetries?: number;
  /** Timeout of one request in milliseconds; default 30 000. */
  timeoutMs?: number;
}

/**
 * Payments by card through Stripe, with the official `stripe` SDK at the API version it pins
 * ({@link Stripe.API_VERSION}). Amounts go to Stripe in the currency's smallest unit as they are
 * (cents; yen for the zero-decimal JPY), the currency in lower case.
 *
 * `collect` creates the Stripe customer when the organisation has none yet (returned as
 * `providerCustomerId`, to store) and confirms an off-session PaymentIntent on the configured
 * payment method, with the invoice in its metadata (`invoice_id`, `org_id`, `invoice_number`).
 * Requests carry the caller's idempotency key (`<key>:customer` for the customer), so a retry
 * never charges twice nor creates a second customer.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string | null;
  readonly #paymentMethod: string;

  /** @throws DictaMeshError `PAYMENT_PROVIDER_FAILED` when `apiBaseUrl` is not an http(s) URL without a path */
  constructor(config: StripeProviderConfig) {
    let url: URL;
    try {
      url = new URL(config.apiBaseUrl);
    } catch {
      throw err('PAYMENT_PROVIDER_FAILED', `The Stripe API URL "${config.apiBaseUrl}" is not a URL.`, { provider: 'stripe' });
    }
    const protocol = url.protocol.slice(0, -1);
    if ((protocol !== 'http' && protocol !== 'https') || url.pathname !== '/' || url.search || url.username) {
      throw err('PAYMENT_PROVIDER_FAILED', `The Stripe API URL "${config.apiBaseUrl}" must be http(s)://host[:port].`, {
        provider: 'stripe',
      });
    }
    this.#stripe = new Stripe(config.secretKey, {
      apiVersion: Stripe.API_VERSION,
      host: url.hostname,
      port: url.port || (protocol === 'https' ? 443 : 80),
      protocol,
      maxNetworkRetries: config.maxNetworkRetries ?? 2,
      timeout: config.timeoutMs ?? 30_000,
      telemetry: false,
    });
    this.#webhookSecret = config.webhookSecret ?? null;
    this.#paymentMethod = config.paymentMethod ?? 'pm_card_visa';
  }

  /**
   * Creates the customer if needed, then creates and confirms the PaymentIntent. Its status maps
   * to `succeeded` (succeeded), `pending` (processing, requires_*) or `failed` (canceled); a card
   * declined is `failed` with Stripe's message and the PaymentIntent as reference.
   * @throws DictaMeshError `QUANTITY_INVALID` / `CURRENCY_UNKNOWN` for an amount Stripe cannot take
   * @throws DictaMeshError `PAYMENT_PROVIDER_FAILED` when Stripe cannot be reached or rejects the request
   */
  async collect(r: CollectRequest): Promise<CollectResult> {
    checkAmount(r.amountMinor, r.currency);
    let customerId = r.customer.providerCustomerId;
    let created: string | undefined;
    try {
      if (!customerId) {
        const customer = await this.#stripe.customers.create(
          { ...(r.customer.email ? { email: r.customer.email } : {}), name: r.customer.name, metadata: { org_id: r.orgId } },
          { idempotencyKey: `${r.idempotencyKey}:customer` },
        );
        customerId = created = customer.id;
      }
      const intent = await this.#stripe.paymentIntents.create(
        {
          amount: Number(r.amountMinor),
          currency: r.currency.toLowerCase(),
          customer: customerId,
          confirm: true,
          off_session: true,
          payment_method: this.#paymentMethod,
          metadata: { invoice_id: r.invoiceId, org_id: r.orgId, invoice_number: r.invoiceNumber },
        },
        { idempotencyKey: r.idempotencyKey },
      );
      const status = intentStatus(intent.status);
      const failureMessage = status === 'failed' ? (intent.last_payment_error?.message ?? `PaymentIntent ${intent.status}.`) : undefined;
      return {
        providerRef: intent.id,
        status,
        ...(failureMessage ? { failureMessage } : {}),
        ...(created ? { providerCustomerId: created } : {}),
      };
    } catch (e) {
      if (e instanceof Stripe.errors.StripeCardError) {
        return {
          providerRef: e.payment_intent?.id ?? e.requestId ?? `stripe:${r.idempotencyKey}`,
          status: 'failed',
          failureMessage: e.message,
          ...(created ? { providerCustomerId: created } : {}),
        };
      }
      throw providerFailed(e);
    }
  }

  /**
   * Refunds a PaymentIntent (`providerRef`), all or part. Refund status `succeeded` → succeeded,
   * `failed`/`canceled` → failed, others (pending, requires_action) → pending.
   * @throws DictaMeshError `QUANTITY_INVALID` / `CURRENCY_UNKNOWN` for an amount Stripe cannot take
   * @throws DictaMeshError `PAYMENT_PROVIDER_FAILED` when Stripe cannot be reached or rejects the request
   */
  async refund(r: RefundRequest): Promise<RefundResult> {
    checkAmount(r.amountMinor, r.currency);
    try {
      const refund = await this.#stripe.refunds.create(
        { payment_intent: r.providerRef, amount: Number(r.amountMinor), ...(r.reason ? { metadata: { reason: r.reason } } : {}) },
        { idempotencyKey: r.idempotencyKey },
      );
      const status =
        refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending';
      return { refundRef: refund.id, status };
    } catch (e) {
      throw providerFailed(e);
    }
  }

  /**
   * Verifies a webhook's `Stripe-Signature` (`t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
   * Stripe's scheme, by `stripe.webhooks.constructEvent`) and reads it: `payment_intent.succeeded`
   * → payment.succeeded (amount received), `payment_intent.payment_failed` → payment.failed (amount
   * asked, Stripe's message), `charge.refunded` → refund.succeeded (the charge's PaymentIntent as
   * `providerRef`, the total refunded so far); other types → ignored.
   * @param now time of receipt; signatures more than {@link STRIPE_WEBHOOK_TOLERANCE_SECONDS} older are refused
   * @throws DictaMeshError `WEBHOOK_UNVERIFIED` when no webhook secret is configured
   * @throws DictaMeshError `WEBHOOK_SIGNATURE_INVALID` when the header is missing, the signature does not match or is stale
   * @throws DictaMeshError `WEBHOOK_INVALID_PAYLOAD` when a correctly signed body is not a Stripe event
   */
  parseWebhook(
    rawBody: string | Buffer,
    headers: Record<string, string | string[] | undefined>,
    now: Date = new Date(),
  ): PaymentWebhookEvent {
    if (!this.#webhookSecret) throw err('WEBHOOK_UNVERIFIED', 'No Stripe webhook secret is configured.', { provider: 'stripe' });
    const header = Object.entries(headers).find(([name]) => name.toLowerCase() === 'stripe-signature')?.[1];
    if (typeof header !== 'string' || header === '') {
      throw err('WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature header is missing.', { provider: 'stripe' });
    }
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(
        rawBody,
        header,
        this.#webhookSecret,
        STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        now.getTime(),
      );
    } catch (e) {
      if (e instanceof Stripe.errors.StripeSignatureVerificationError) {
        throw err('WEBHOOK_SIGNATURE_INVALID', `Stripe webhook: ${e.message}`, { provider: 'stripe' }, e);
      }
      throw err('WEBHOOK_INVALID_PAYLOAD', 'The Stripe webhook body is not a JSON event.', { provider: 'stripe' }, e);
    }
    return webhookEvent(event);
  }
}

/** A PaymentIntent's status as a collection outcome. */
function intentStatus(status: Stripe.PaymentIntent.Status): CollectResult['status'] {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'failed';
    default:
      return 'pending'; // processing, requires_payment_method, requires_confirmation, requires_action, requires_capture
  }
}

/** A verified Stripe event, reduced to what billing acts on. */
function webhookEvent(event: Stripe.Event): PaymentWebhookEvent {
  const base = { eventId: event.id, type: event.type };
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const succeeded = event.type === 'payment_intent.succeeded';
      return {
        ...base,
        kind: succeeded ? 'payment.succeeded' : 'payment.failed',
        providerRef: intent.id,
        invoiceId: intent.metadata?.invoice_id ?? null,
        orgId: intent.metadata?.org_id ?? null,
        amountMinor: BigInt(succeeded ? intent.amount_received : intent.amount),
        currency: intent.currency.toUpperCase(),
        failureMessage: succeeded ? null : (intent.last_payment_error?.message ?? null),
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
      return {
        ...base,
        kind: 'refund.succeeded',
        providerRef: intent ?? charge.id,
        invoiceId: charge.metadata?.invoice_id ?? null,
        orgId: charge.metadata?.org_id ?? null,
        amountMinor: BigInt(charge.amount_refunded),
        currency: charge.currency.toUpperCase(),
        failureMessage: null,
      };
    }
    default:
      return {
        ...base,
        kind: 'ignored',
        providerRef: null,
        invoiceId: null,
        orgId: null,
        amountMinor: null,
        currency: null,
        failureMessage: null,
      };
  }
}

/** A Stripe SDK failure as `PAYMENT_PROVIDER_FAILED` (anything else is a bug and is rethrown as is). */
function providerFailed(e: unknown): unknown {
  if (!(e instanceof Stripe.errors.StripeError)) return e;
  return err(
    'PAYMENT_PROVIDER_FAILED',
    `Stripe: ${e.message}`,
    { provider: 'stripe', type: e.type, code: e.code ?? null, statusCode: e.statusCode ?? null, requestId: e.requestId ?? null },
    e,
  );
}
