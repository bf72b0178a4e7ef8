import type { Prisma, PrismaClient } from '@dictamesh/db';
import { TOPICS } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { enqueueEvent } from '../events/outbox';
import { markInvoicePaid } from '../invoices/lifecycle';
import { currency as isoCurrency, parseDecimal, toMinor } from '../money';
import type { PaymentProviders } from './index';
import type { PaymentWebhookEvent } from './provider';

type Tx = Prisma.TransactionClient;

/** Invoice statuses that can take a payment. */
const PAYABLE = ['FINALIZED', 'UNCOLLECTIBLE'] as const;

/**
 * Marks a payment failed: the invoice's subscription moves to PAST_DUE (from TRIALING or
 * ACTIVE) and `dictamesh.billing.payment.failed` is written to the outbox, all in `tx`.
 */
async function failPayment(tx: Tx, paymentId: string, failureMessage: string | null, now: Date): Promise<void> {
  const payment = await tx.payment.update({
    where: { id: paymentId },
    data: { status: 'FAILED', failureMessage },
    include: { invoice: true },
  });
  const { invoice } = payment;
  if (invoice.subscriptionId)
    await tx.billingSubscription.updateMany({
      where: { id: invoice.subscriptionId, status: { in: ['TRIALING', 'ACTIVE'] } },
      data: { status: 'PAST_DUE' },
    });
  await enqueueEvent(
    tx,
    TOPICS.paymentFailed,
    {
      org: payment.orgId,
      paymentId: payment.id,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      subscriptionId: invoice.subscriptionId,
      provider: payment.provider,
      currency: payment.currency,
      amountMinor: payment.amountMinor.toString(),
      failureMessage,
      occurredAt: now.toISOString(),
    },
    { org: payment.orgId, subject: `invoice:${invoice.id}`, id: `payment-failed:${payment.id}`, time: now },
  );
}

/**
 * Asks the organisation's payment provider to collect a finalized invoice's amount due (after
 * finalization, outside any transaction: the provider is a remote call with its own idempotency
 * key, `invoice:<id>`), then records the payment: succeeded → the invoice is paid; failed → the
 * subscription is past due and `payment.failed` is published; pending → a webhook (Stripe) or an
 * operator (manual) settles it later. A provider that cannot be reached leaves the invoice
 * finalized and unpaid and raises.
 *
 * @returns the payment recorded, or null when nothing is due
 * @throws DictaMeshError `PAYMENT_PROVIDER_FAILED`, `PAYMENT_PROVIDER_UNKNOWN`
 */
export async function collectInvoice(prisma: PrismaClient, providers: PaymentProviders, invoiceId: string, now: Date) {
  const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
  const due = invoice.totalMinor - invoice.amountPaidMinor;
  if (invoice.status !== 'FINALIZED' || due <= 0n) return null;
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: invoice.orgId } });
  const provider = providers.get(org.paymentProvider);
  const result = await provider.collect({
    invoiceId: invoice.id,
    orgId: org.id,
    invoiceNumber: invoice.number ?? invoice.id,
    amountMinor: due,
    currency: invoice.currency,
    customer: { email: org.billingEmail, name: org.name, providerCustomerId: org.providerCustomerId },
    idempotencyKey: `invoice:${invoice.id}`,
  });
  return prisma.$transaction(async (tx) => {
    if (result.providerCustomerId && result.providerCustomerId !== org.providerCustomerId)
      await tx.organization.update({ where: { id: org.id }, data: { providerCustomerId: result.providerCustomerId } });
    const payment = await tx.payment.upsert({
      where: { provider_providerRef: { provider: provider.name, providerRef: result.providerRef } },
      create: {
        invoiceId: invoice.id,
        orgId: org.id,
        provider: provider.name,
        providerRef: result.providerRef,
        currency: invoice.currency,
        amountMinor: due,
        status: 'PENDING',
      },
      update: {},
    });
    if (payment.status !== 'PENDING') return payment;
    if (result.status === 'succeeded') {
      await markInvoicePaid(tx, invoice.id, due, now);
      return tx.payment.update({ where: { id: payment.id }, data: { status: 'SUCCEEDED' } });
    }
    if (result.status === 'failed') {
      await failPayment(tx, payment.id, result.failureMessage ?? null, now);
      return tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
    }
    return payment;
  });
}

/**
 * Records a payment received outside a provider (bank transfer) against a finalized or
 * uncollectible invoice; the invoice is paid once payments reach its total.
 * @param input.amount currency units of the invoice's currency, > 0, at most the amount due
 * @param input.orgId the caller's organisation, or null for the operator (any organisation)
 * @throws DictaMeshError `NOT_FOUND` (no such invoice for the caller), `INVOICE_STATE_INVALID`,
 *   `QUANTITY_INVALID` (not positive, too many decimals, more than due)
 */
export async function recordManualPayment(
  prisma: PrismaClient,
  input: { invoiceId: string; orgId: string | null; amount: string; reference: string; now: Date },
) {
  return prisma.$transaction(async (tx) => {
    const invoice = await tx.invoice.findFirst({ where: { id: input.invoiceId, ...(input.orgId ? { orgId: input.orgId } : {}) } });
    if (!invoice) throw err('NOT_FOUND', 'No such invoice.', { invoiceId: input.invoiceId });
    if (!(PAYABLE as readonly string[]).includes(invoice.status))
      throw err('INVOICE_STATE_INVALID', `A ${invoice.status.toLowerCase()} invoice takes no payment.`, { status: invoice.status });
    const currency = isoCurrency(invoice.currency);
    const minor = toMinor(parseDecimal(input.amount, 'amount', currency.exponent), currency);
    const due = invoice.totalMinor - invoice.amountPaidMinor;
    if (minor <= 0n || minor > due)
      throw err('QUANTITY_INVALID', `amount must be more than 0 and at most the amount due.`, {
        field: 'amount',
        amountDueMinor: due.toString(),
      });
    const reference = input.reference.trim();
    if (!reference || reference.length > 200)
      throw err('BAD_USER_INPUT', 'A manual payment needs a reference (1–200 characters).', { field: 'reference' });
    const payment = await tx.payment.create({
      data: {
        invoiceId: invoice.id,
        orgId: invoice.orgId,
        provider: 'manual',
        providerRef: `${reference}#${invoice.id}`,
        currency: invoice.currency,
        amountMinor: minor,
        status: 'SUCCEEDED',
        createdAt: input.now,
      },
    });
    await markInvoicePaid(tx, invoice.id, minor, input.now);
    return payment;
  });
}

/**
 * Applies a verified provider webhook once (a redelivered event id is a no-op): a payment that
 * succeeded pays its invoice, one that failed moves the subscription to past due and publishes
 * `payment.failed`, a refund updates the payment. Events naming no known payment are recorded
 * and ignored.
 * @returns whether the event changed anything
 */
export async function applyPaymentWebhook(prisma: PrismaClient, provider: string, event: PaymentWebhookEvent, now: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.paymentWebhookReceipt.createMany({
      data: [{ provider, eventId: event.eventId, type: event.type }],
      skipDuplicates: true,
    });
    if (count === 0 || event.kind === 'ignored' || !event.providerRef) return false;
    let payment = await tx.payment.findUnique({ where: { provider_providerRef: { provider, providerRef: event.providerRef } } });
    if (!payment && event.invoiceId && event.kind !== 'refund.succeeded') {
      // the webhook came before collectInvoice recorded the payment: record it from the metadata
      const invoice = await tx.invoice.findUnique({ where: { id: event.invoiceId } });
      if (!invoice || (event.orgId && invoice.orgId !== event.orgId)) return false;
      payment = await tx.payment.create({
        data: {
          invoiceId: invoice.id,
          orgId: invoice.orgId,
          provider,
          providerRef: event.providerRef,
          currency: invoice.currency,
          amountMinor: event.amountMinor ?? invoice.totalMinor - invoice.amountPaidMinor,
          status: 'PENDING',
        },
      });
    }
    if (!payment) return false;
    if (event.kind === 'payment.succeeded') {
      if (payment.status === 'SUCCEEDED') return false;
      await tx.payment.update({ where: { id: payment.id }, data: { status: 'SUCCEEDED', failureMessage: null } });
      await markInvoicePaid(tx, payment.invoiceId, payment.amountMinor, now);
      return true;
    }
    if (event.kind === 'payment.failed') {
      if (payment.status !== 'PENDING') return false;
      await failPayment(tx, payment.id, event.failureMessage, now);
      return true;
    }
    const refunded = event.amountMinor ?? payment.amountMinor;
    await tx.payment.update({
      where: { id: payment.id },
      data: { refundedMinor: refunded, status: refunded >= payment.amountMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED' },
    });
    return true;
  });
}

/**
 * Refunds (part of) a succeeded payment through its provider.
 * @param input.amount currency units; default what is left to refund
 * @throws DictaMeshError `NOT_FOUND`, `INVOICE_STATE_INVALID` (the payment did not succeed or is
 *   refunded already), `QUANTITY_INVALID` (more than is left), `PAYMENT_PROVIDER_FAILED`
 */
export async function refundPayment(
  prisma: PrismaClient,
  providers: PaymentProviders,
  input: { paymentId: string; orgId: string | null; amount?: string | null; reason?: string | null; now: Date },
) {
  const payment = await prisma.payment.findFirst({ where: { id: input.paymentId, ...(input.orgId ? { orgId: input.orgId } : {}) } });
  if (!payment) throw err('NOT_FOUND', 'No such payment.', { paymentId: input.paymentId });
  if (payment.status !== 'SUCCEEDED' && payment.status !== 'PARTIALLY_REFUNDED')
    throw err('INVOICE_STATE_INVALID', `A ${payment.status.toLowerCase()} payment cannot be refunded.`, { status: payment.status });
  const currency = isoCurrency(payment.currency);
  const left = payment.amountMinor - payment.refundedMinor;
  const minor = input.amount ? toMinor(parseDecimal(input.amount, 'amount', currency.exponent), currency) : left;
  if (minor <= 0n || minor > left)
    throw err('QUANTITY_INVALID', 'amount must be more than 0 and at most what is left to refund.', { field: 'amount' });
  const refundNumber = await prisma.refund.count({ where: { paymentId: payment.id } });
  const result = await providers.get(payment.provider).refund({
    providerRef: payment.providerRef ?? payment.id,
    amountMinor: minor,
    currency: payment.currency,
    ...(input.reason ? { reason: input.reason } : {}),
    idempotencyKey: `refund:${payment.id}:${refundNumber + 1}`,
  });
  return prisma.$transaction(async (tx) => {
    await tx.refund.create({
      data: {
        paymentId: payment.id,
        amountMinor: minor,
        providerRef: result.refundRef,
        status: result.status,
        reason: input.reason ?? null,
        createdAt: input.now,
      },
    });
    if (result.status === 'failed')
      throw err('PAYMENT_PROVIDER_FAILED', 'The provider refused the refund.', { provider: payment.provider });
    const refunded = payment.refundedMinor + minor;
    return tx.payment.update({
      where: { id: payment.id },
      data: { refundedMinor: refunded, status: refunded >= payment.amountMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED' },
    });
  });
}
