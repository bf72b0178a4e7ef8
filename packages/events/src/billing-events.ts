/**
 * The data of the billing subgraph's CloudEvents (topic = type, keyed by organisation), which
 * notifications consume. Amounts are integer minor units of the ISO 4217 `currency`, as decimal
 * strings. JSON Schemas: `schemas/events/billing-*.v1.schema.json`.
 */

/** `dictamesh.billing.invoice.finalized|paid|voided`: an invoice changed state. JSON Schema `billing-invoice.v1`. */
export interface BillingInvoiceEvent {
  org: string;
  /** The organisation's billing email when it has one (where notifications sends billing mail). */
  billingEmail?: string | null;
  invoiceId: string;
  subscriptionId?: string | null;
  /** Gap-free per organisation; null only for a voided draft. */
  number: string | null;
  status: 'FINALIZED' | 'PAID' | 'VOIDED' | 'UNCOLLECTIBLE';
  currency: string;
  totalMinor: string;
  amountDueMinor: string;
  /** ISO-8601. */
  periodStart: string;
  periodEnd: string;
  dueAt?: string | null;
  occurredAt: string;
}

/** `dictamesh.billing.payment.failed`: a provider could not collect an invoice. JSON Schema `billing-payment-failed.v1`. */
export interface BillingPaymentFailed {
  org: string;
  /** The organisation's billing email when it has one (where notifications sends billing mail). */
  billingEmail?: string | null;
  paymentId: string;
  invoiceId: string;
  invoiceNumber?: string | null;
  subscriptionId?: string | null;
  provider: string;
  currency: string;
  amountMinor: string;
  failureMessage: string | null;
  occurredAt: string;
}

/** `dictamesh.billing.usage.threshold_reached`: usage reached 80 % or 100 % of an allowance. JSON Schema `billing-usage-threshold.v1`. */
export interface BillingUsageThresholdReached {
  org: string;
  /** The organisation's billing email when it has one (where notifications sends billing mail). */
  billingEmail?: string | null;
  subscriptionId: string;
  metricCode: string;
  threshold: 80 | 100;
  /** Decimal. */
  usage: string;
  included: string;
  periodStart: string;
  periodEnd: string;
  occurredAt: string;
}
