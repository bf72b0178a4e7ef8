import { TOPICS, type BillingInvoiceEvent, type BillingPaymentFailed, type BillingUsageThresholdReached } from '@dictamesh/events';
import { formatMoney } from './money';

/** What a billing event tells: the notification type, its template variables and the billing email. */
export interface BillingNotice {
  /** `billing.invoice.finalized`, `billing.payment.failed`, … */
  typeKey: string;
  variables: Record<string, unknown>;
  /** The organisation's billing email the event carries, when it does. */
  billingEmail: string | null;
}

const INVOICE_TYPES: Record<string, string> = {
  [TOPICS.invoiceFinalized]: 'billing.invoice.finalized',
  [TOPICS.invoicePaid]: 'billing.invoice.paid',
  [TOPICS.invoiceVoided]: 'billing.invoice.voided',
};

/** Variables `key: value` only when the value is a non-empty string (optional variables are left out, not null). */
function optional(entries: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
  );
}

/**
 * The notification a billing event yields: the variables the platform's billing types declare
 * (amounts formatted `EUR 601.94` from minor units and the currency; optional ones left out when
 * the event has none), or null for a topic that is not a billing event.
 * @param topic the event type (= topic)
 * @param data the event data, valid against its schema (the bus checked it)
 * @throws DictaMeshError `BAD_USER_INPUT` when an amount or currency cannot be formatted (never succeeds)
 */
export function billingNotice(topic: string, data: unknown): BillingNotice | null {
  const invoiceType = INVOICE_TYPES[topic];
  if (invoiceType) {
    const invoice = data as BillingInvoiceEvent;
    return {
      typeKey: invoiceType,
      billingEmail: invoice.billingEmail ?? null,
      variables: {
        invoiceId: invoice.invoiceId,
        currency: invoice.currency,
        total: formatMoney(invoice.totalMinor, invoice.currency),
        amountDue: formatMoney(invoice.amountDueMinor, invoice.currency),
        periodStart: invoice.periodStart,
        periodEnd: invoice.periodEnd,
        ...optional({ invoiceNumber: invoice.number, dueAt: invoice.dueAt }),
      },
    };
  }
  if (topic === TOPICS.paymentFailed) {
    const payment = data as BillingPaymentFailed;
    return {
      typeKey: 'billing.payment.failed',
      billingEmail: payment.billingEmail ?? null,
      variables: {
        invoiceId: payment.invoiceId,
        amount: formatMoney(payment.amountMinor, payment.currency),
        currency: payment.currency,
        provider: payment.provider,
        ...optional({ invoiceNumber: payment.invoiceNumber, failureMessage: payment.failureMessage }),
      },
    };
  }
  if (topic === TOPICS.usageThresholdReached) {
    const usage = data as BillingUsageThresholdReached;
    return {
      typeKey: 'billing.usage.threshold_reached',
      billingEmail: usage.billingEmail ?? null,
      variables: {
        metricCode: usage.metricCode,
        threshold: usage.threshold,
        usage: usage.usage,
        included: usage.included,
        periodEnd: usage.periodEnd,
      },
    };
  }
  return null;
}
