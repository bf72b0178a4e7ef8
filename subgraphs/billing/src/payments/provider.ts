import { err } from '@dictamesh/runtime';
import { currency, type Currency } from '../money';

/** Names of the payment providers DictaMesh ships. */
export type PaymentProviderName = 'manual' | 'stripe';

/** A request to collect the amount due on a finalized invoice. */
export interface CollectRequest {
  /** The invoice's id (kept in the provider's metadata, so webhooks name it back). */
  invoiceId: string;
  /** The organisation billed. */
  orgId: string;
  /** The invoice's human number (`INV-2026-000042`). */
  invoiceNumber: string;
  /** Amount to collect, in integer minor units of `currency` (cents; JPY: yen). Positive. */
  amountMinor: bigint;
  /** ISO 4217 alphabetic code (`USD`). */
  currency: string;
  /** The payer. `providerCustomerId` is the provider's customer already created for the organisation, if any. */
  customer: { email: string | null; name: string; providerCustomerId: string | null };
  /** Same key for the retries of one collection: the provider performs it at most once. */
  idempotencyKey: string;
}

/** Outcome of {@link PaymentProvider.collect}. */
export interface CollectResult {
  /** The provider's reference of the payment (Stripe: the PaymentIntent id `pi_…`; manual: `manual:<invoiceNumber>`). */
  providerRef: string;
  /** `pending`: the outcome comes later (webhook, operator); `failed`: refused (card declined…). */
  status: 'pending' | 'succeeded' | 'failed';
  /** Why it failed, for people (the provider's message), when `status` is `failed`. */
  failureMessage?: string;
  /** A customer the provider created on the way (`cus_…`), to store on the organisation. */
  providerCustomerId?: string;
}

/** A request to refund (part of) a collected payment. */
export interface RefundRequest {
  /** {@link CollectResult.providerRef} of the payment refunded. */
  providerRef: string;
  /** Amount to refund, in integer minor units of `currency`. Positive, at most what was collected. */
  amountMinor: bigint;
  /** ISO 4217 alphabetic code, the payment's. */
  currency: string;
  /** Why, for the records. */
  reason?: string;
  /** Same key for the retries of one refund: the provider performs it at most once. */
  idempotencyKey: string;
}

/** Outcome of {@link PaymentProvider.refund}. */
export interface RefundResult {
  /** The provider's reference of the refund (Stripe: `re_…`; manual: `manual-refund:<idempotencyKey>`). */
  refundRef: string;
  status: 'pending' | 'succeeded' | 'failed';
}

/**
 * A verified provider webhook, reduced to what billing acts on. `kind` is `ignored` for the
 * provider's other event types (still acknowledged, so the provider stops resending them).
 * Amounts are integer minor units; `currency` is an upper-case ISO 4217 code.
 */
export type PaymentWebhookEvent = {
  /** The provider's event id (`evt_…`): deduplicates redeliveries. */
  eventId: string;
  kind: 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'ignored';
  /** The payment's {@link CollectResult.providerRef} (for refunds too: the payment refunded). */
  providerRef: string | null;
  /** From the payment's metadata (`invoice_id`), when present. */
  invoiceId: string | null;
  /** From the payment's metadata (`org_id`), when present. */
  orgId: string | null;
  /** Payments: the amount received (succeeded) or asked (failed); refunds: the total refunded so far. */
  amountMinor: bigint | null;
  currency: string | null;
  /** The provider's message when a payment failed. */
  failureMessage: string | null;
  /** The provider's own event type (`payment_intent.succeeded`). */
  type: string;
};

/** A way to collect payments: the operator records it (manual) or a payment service (Stripe). */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /**
   * Collects an invoice's amount.
   * @throws DictaMeshError `PAYMENT_PROVIDER_FAILED` when the provider cannot be reached or rejects the request
   * (a refused payment, such as a card declined, is a `failed` result, not an error)
   */
  collect(r: CollectRequest): Promise<CollectResult>;
  /**
   * Refunds (part of) a payment.
   * @throws DictaMeshError `PAYMENT_PROVIDER_FAILED` when the provider cannot be reached or rejects the request
   */
  refund(r: RefundRequest): Promise<RefundResult>;
  /**
   * Verifies and reads a webhook, for providers that send them.
   * @param rawBody the request body exactly as received (before any JSON parsing)
   * @param headers the request headers (any case of names)
   * @param now the time of receipt (signatures older than the provider's tolerance are refused)
   * @throws DictaMeshError `WEBHOOK_SIGNATURE_INVALID` when the signature is missing, wrong or stale
   */
  parseWebhook?(rawBody: string | Buffer, headers: Record<string, string | string[] | undefined>, now?: Date): PaymentWebhookEvent;
}

/** The configured payment providers, by name. */
export class PaymentProviders {
  readonly #byName = new Map<string, PaymentProvider>();

  /** @param providers at most one per name (a later one replaces an earlier one) */
  constructor(providers: Iterable<PaymentProvider> = []) {
    for (const provider of providers) this.#byName.set(provider.name, provider);
  }

  /** Names of the configured providers, in configuration order. */
  names(): PaymentProviderName[] {
    return [...this.#byName.values()].map((p) => p.name);
  }

  /** Whether a provider of this name is configured. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /**
   * The provider of this name.
   * @throws DictaMeshError `PAYMENT_PROVIDER_UNKNOWN` when none of this name is configured
   */
  get(name: string): PaymentProvider {
    const provider = this.#byName.get(name);
    if (!provider) {
      throw err('PAYMENT_PROVIDER_UNKNOWN', `No payment provider "${name}" is configured.`, { provider: name, configured: this.names() });
    }
    return provider;
  }
}

/**
 * Checks an amount handed to a provider: a positive whole number of minor units that a JSON
 * number carries exactly, in an ISO 4217 currency.
 * @returns the currency
 * @throws DictaMeshError `QUANTITY_INVALID` when the amount is not positive or above 2^53 − 1
 * @throws DictaMeshError `CURRENCY_UNKNOWN` when the code is not an ISO 4217 currency
 */
export function checkAmount(amountMinor: bigint, code: string): Currency {
  const found = currency(code);
  if (amountMinor <= 0n || amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw err('QUANTITY_INVALID', `A payment amount must be between 1 and ${Number.MAX_SAFE_INTEGER} minor units.`, {
      amountMinor: amountMinor.toString(),
    });
  }
  return found;
}
