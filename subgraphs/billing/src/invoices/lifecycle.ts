import type { Prisma, PrismaClient } from '@dictamesh/db';
import type { BillingInvoiceEvent } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { enqueueEvent } from '../events/outbox';
import { currency as currencyOf } from '../money';
import { type DraftLine, computeInvoice } from '../pricing';
import { type Tx, availableCredits, taxRateOf } from './generate';
import { nextInvoiceNumber } from './numbering';

/** Days from finalization to the due date of an invoice without a plan (on-demand, no subscription). */
export const DEFAULT_PAYMENT_TERM_DAYS = 30;
const DAY_MS = 86_400_000;

/** Interactive transaction limits: finalizers of one organisation queue on its number row. */
const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

/** Identifies an invoice of an organisation at an instant (the clock of the change). */
export interface InvoiceAction {
  invoiceId: string;
  /** The caller's organisation: an invoice of another one is `NOT_FOUND`. */
  orgId: string;
  now: Date;
}

/** Row-locks the invoice until the transaction ends and reads it; NOT_FOUND for an unknown id or another organisation's invoice. */
async function lockInvoice(tx: Tx, invoiceId: string, orgId?: string): Promise<Prisma.InvoiceModel> {
  const locked =
    orgId === undefined
      ? await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "dictamesh_billing_invoices" WHERE "id" = ${invoiceId} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`
          SELECT "id" FROM "dictamesh_billing_invoices" WHERE "id" = ${invoiceId} AND "org_id" = ${orgId} FOR UPDATE`;
  // the same answer whether the invoice does not exist or is another organisation's: nothing leaks
  if (locked.length === 0) throw err('NOT_FOUND', 'No such invoice.', { invoiceId });
  return tx.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
}

function stateInvalid(invoice: Prisma.InvoiceModel, action: string, allowed: string[]) {
  return err('INVOICE_STATE_INVALID', `A ${invoice.status} invoice cannot be ${action}.`, {
    invoiceId: invoice.id,
    status: invoice.status,
    allowed,
  });
}

/** The data of a `dictamesh.billing.invoice.*` event for an invoice in its new state. */
export function invoiceEventData(invoice: Prisma.InvoiceModel, occurredAt: Date): BillingInvoiceEvent {
  const due = invoice.totalMinor - invoice.amountPaidMinor;
  return {
    org: invoice.orgId,
    invoiceId: invoice.id,
    subscriptionId: invoice.subscriptionId,
    number: invoice.number,
    status: invoice.status as BillingInvoiceEvent['status'],
    currency: invoice.currency,
    totalMinor: invoice.totalMinor.toString(),
    amountDueMinor: (invoice.status === 'VOIDED' || due < 0n ? 0n : due).toString(),
    periodStart: invoice.periodStart.toISOString(),
    periodEnd: invoice.periodEnd.toISOString(),
    dueAt: invoice.dueAt?.toISOString() ?? null,
    occurredAt: occurredAt.toISOString(),
  };
}

/** Writes `dictamesh.billing.invoice.<kind>` for the invoice into the outbox, CloudEvent id `<invoice id>.<kind>` (deterministic: one per transition). */
async function emit(tx: Tx, kind: 'finalized' | 'paid' | 'voided', invoice: Prisma.InvoiceModel, now: Date): Promise<void> {
  await enqueueEvent(tx, `dictamesh.billing.invoice.${kind}`, invoiceEventData(invoice, now), {
    org: invoice.orgId,
    subject: `invoice:${invoice.id}`,
    id: `${invoice.id}.${kind}`,
    time: now,
  });
}

/**
 * Finalizes a DRAFT invoice in one transaction:
 * 1. Row-locks the invoice; only a DRAFT may be finalized.
 * 2. Takes the organisation's next gap-free number ({@link nextInvoiceNumber}; this also queues
 *    the organisation's other finalizers behind this one until commit).
 * 3. Recomputes credits and tax from the stored lines (`computeInvoice`; a minimum-commitment line
 *    of the draft is kept as a line) against the credits usable NOW (row-locked, oldest first) and
 *    the current tax rate of the organisation's jurisdiction; writes each line's credit and tax.
 * 4. Spends the credits: one CreditApplication per credit used and `remainingMinor` decremented
 *    (what a credit has left stays on it for later invoices). A negative subtotal (proration credit
 *    larger than the charges) becomes a new CreditGrant (`source` `proration`, `invoiceId` this one).
 * 5. Sets number, sequence, totals, `finalizedAt` = now, `dueAt` = now + the plan's
 *    `paymentTermDays` ({@link DEFAULT_PAYMENT_TERM_DAYS} without a plan); a total of 0 is PAID at
 *    once (`paidAt` = now), otherwise FINALIZED.
 * 6. Enqueues `dictamesh.billing.invoice.finalized` (and `.paid` when the total is 0) in the same transaction.
 * Nothing is written when it fails.
 * @returns the invoice as finalized
 * @throws DictaMeshError `NOT_FOUND` for an unknown invoice or another organisation's (never told apart)
 * @throws DictaMeshError `INVOICE_STATE_INVALID` when it is not a DRAFT (`details.status` = its status)
 */
export async function finalizeInvoice(prisma: PrismaClient, input: InvoiceAction): Promise<Prisma.InvoiceModel> {
  return prisma.$transaction((tx) => finalizeInTransaction(tx, input), TX_OPTIONS);
}

/** {@link finalizeInvoice} in the caller's transaction (the scheduler's and tests' building block). */
export async function finalizeInTransaction(tx: Tx, { invoiceId, orgId, now }: InvoiceAction): Promise<Prisma.InvoiceModel> {
  const invoice = await lockInvoice(tx, invoiceId, orgId);
  if (invoice.status !== 'DRAFT') throw stateInvalid(invoice, 'finalized', ['DRAFT']);
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId } });
  const subscription =
    invoice.subscriptionId === null
      ? null
      : await tx.billingSubscription.findUnique({ where: { id: invoice.subscriptionId }, include: { plan: true } });
  const { sequence, number } = await nextInvoiceNumber(tx, orgId);

  const stored = await tx.invoiceLine.findMany({ where: { invoiceId }, orderBy: { position: 'asc' } });
  const lines: DraftLine[] = stored.map((line) => ({
    kind: line.kind as DraftLine['kind'],
    description: line.description,
    metricCode: line.metricCode,
    quantity: line.quantity.toFixed(),
    unitPrice: line.unitPrice,
    amountMinor: line.amountMinor,
  }));
  const tax = await taxRateOf(tx, org.taxJurisdiction);
  const computed = computeInvoice({
    currency: currencyOf(invoice.currency),
    lines,
    credits: await availableCredits(tx, orgId, invoice.currency, now, true),
    tax,
  });
  for (const [i, line] of computed.lines.entries()) {
    const row = stored[i]!;
    if (
      row.creditAppliedMinor !== line.creditAppliedMinor ||
      row.taxMinor !== line.taxMinor ||
      row.taxRatePercent.toFixed() !== line.taxRatePercent
    )
      await tx.invoiceLine.update({
        where: { id: row.id },
        data: { creditAppliedMinor: line.creditAppliedMinor, taxRatePercent: line.taxRatePercent, taxMinor: line.taxMinor },
      });
  }
  for (const use of computed.creditUsage) {
    await tx.creditApplication.create({ data: { creditId: use.creditId, invoiceId, amountMinor: use.amountMinor, createdAt: now } });
    await tx.creditGrant.update({ where: { id: use.creditId }, data: { remainingMinor: { decrement: use.amountMinor } } });
  }
  if (computed.carriedCreditMinor > 0n)
    await tx.creditGrant.create({
      data: {
        orgId,
        currency: invoice.currency,
        amountMinor: computed.carriedCreditMinor,
        remainingMinor: computed.carriedCreditMinor,
        source: 'proration',
        reason: `Credit carried from invoice ${number}`,
        invoiceId,
        createdAt: now,
      },
    });

  const paid = computed.totalMinor === 0n;
  const termDays = subscription?.plan.paymentTermDays ?? DEFAULT_PAYMENT_TERM_DAYS;
  const finalized = await tx.invoice.update({
    where: { id: invoiceId },
    data: {
      sequence,
      number,
      status: paid ? 'PAID' : 'FINALIZED',
      taxJurisdiction: tax?.jurisdiction ?? null,
      subtotalMinor: computed.subtotalMinor,
      creditsAppliedMinor: computed.creditsAppliedMinor,
      taxMinor: computed.taxMinor,
      totalMinor: computed.totalMinor,
      finalizedAt: now,
      dueAt: new Date(now.getTime() + termDays * DAY_MS),
      ...(paid ? { paidAt: now } : {}),
    },
  });
  await emit(tx, 'finalized', { ...finalized, status: 'FINALIZED' }, now);
  if (paid) await emit(tx, 'paid', finalized, now);
  return finalized;
}

/**
 * Voids an invoice and enqueues `dictamesh.billing.invoice.voided`, in one transaction:
 * - DRAFT → VOIDED without a number (numbers are only taken at finalization, so none is lost);
 *   its pending items are released for the next invoice.
 * - FINALIZED / UNCOLLECTIBLE → VOIDED, keeping its number; the prepaid credit it used goes back
 *   to its grants (a negative CreditApplication records each reversal) and the credit it carried
 *   forward (a `proration` grant of this invoice) loses what is left of it. One that was partly
 *   paid cannot be voided (refund first).
 * @returns the voided invoice
 * @throws DictaMeshError `NOT_FOUND` for an unknown invoice or another organisation's
 * @throws DictaMeshError `INVOICE_STATE_INVALID` when PAID, VOIDED, or partly paid
 */
export async function voidInvoice(prisma: PrismaClient, { invoiceId, orgId, now }: InvoiceAction): Promise<Prisma.InvoiceModel> {
  return prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, invoiceId, orgId);
    const allowed = ['DRAFT', 'FINALIZED', 'UNCOLLECTIBLE'];
    if (!allowed.includes(invoice.status)) throw stateInvalid(invoice, 'voided', allowed);
    if (invoice.amountPaidMinor > 0n)
      throw err('INVOICE_STATE_INVALID', 'A partly paid invoice cannot be voided: refund its payments first.', {
        invoiceId,
        status: invoice.status,
        amountPaidMinor: invoice.amountPaidMinor.toString(),
      });
    if (invoice.status === 'DRAFT') {
      await tx.billingPendingItem.updateMany({ where: { invoiceId }, data: { invoiceId: null } });
    } else {
      const applications = await tx.creditApplication.groupBy({ by: ['creditId'], where: { invoiceId }, _sum: { amountMinor: true } });
      for (const application of applications) {
        const amount = application._sum.amountMinor ?? 0n;
        if (amount <= 0n) continue;
        await tx.creditApplication.create({ data: { creditId: application.creditId, invoiceId, amountMinor: -amount, createdAt: now } });
        await tx.creditGrant.update({ where: { id: application.creditId }, data: { remainingMinor: { increment: amount } } });
      }
      await tx.creditGrant.updateMany({ where: { invoiceId, source: 'proration' }, data: { remainingMinor: 0n } });
    }
    const voided = await tx.invoice.update({ where: { id: invoiceId }, data: { status: 'VOIDED', voidedAt: now } });
    await emit(tx, 'voided', voided, now);
    return voided;
  }, TX_OPTIONS);
}

/**
 * FINALIZED → UNCOLLECTIBLE (written off; it may still be paid later). No event.
 * @throws DictaMeshError `NOT_FOUND` for an unknown invoice or another organisation's
 * @throws DictaMeshError `INVOICE_STATE_INVALID` unless FINALIZED
 */
export async function markUncollectible(prisma: PrismaClient, { invoiceId, orgId }: InvoiceAction): Promise<Prisma.InvoiceModel> {
  return prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, invoiceId, orgId);
    if (invoice.status !== 'FINALIZED') throw stateInvalid(invoice, 'marked uncollectible', ['FINALIZED']);
    return tx.invoice.update({ where: { id: invoiceId }, data: { status: 'UNCOLLECTIBLE' } });
  }, TX_OPTIONS);
}

/**
 * Records a payment of a FINALIZED or UNCOLLECTIBLE invoice, in the payment's transaction: adds
 * `amountMinor` to `amountPaidMinor`; once that reaches the total the invoice is PAID (`paidAt` =
 * now) and `dictamesh.billing.invoice.paid` is enqueued, and the organisation's PAST_DUE
 * subscription returns to ACTIVE when no FINALIZED or UNCOLLECTIBLE invoice of the organisation
 * remains unpaid.
 * @param amountMinor minor units of the invoice's currency, > 0
 * @returns the invoice after the payment
 * @throws DictaMeshError `QUANTITY_INVALID` when the amount is not positive
 * @throws DictaMeshError `NOT_FOUND` for an unknown invoice
 * @throws DictaMeshError `INVOICE_STATE_INVALID` when DRAFT, PAID or VOIDED
 */
export async function markInvoicePaid(tx: Tx, invoiceId: string, amountMinor: bigint, now: Date): Promise<Prisma.InvoiceModel> {
  if (amountMinor <= 0n) throw err('QUANTITY_INVALID', 'A payment must be a positive amount.', { field: 'amountMinor' });
  const invoice = await lockInvoice(tx, invoiceId);
  if (invoice.status !== 'FINALIZED' && invoice.status !== 'UNCOLLECTIBLE')
    throw stateInvalid(invoice, 'paid', ['FINALIZED', 'UNCOLLECTIBLE']);
  const amountPaidMinor = invoice.amountPaidMinor + amountMinor;
  const paid = amountPaidMinor >= invoice.totalMinor;
  const updated = await tx.invoice.update({
    where: { id: invoiceId },
    data: { amountPaidMinor, ...(paid ? { status: 'PAID', paidAt: now } : {}) },
  });
  if (!paid) return updated;
  await emit(tx, 'paid', updated, now);
  const unpaid = await tx.invoice.count({ where: { orgId: invoice.orgId, status: { in: ['FINALIZED', 'UNCOLLECTIBLE'] } } });
  if (unpaid === 0)
    await tx.billingSubscription.updateMany({ where: { orgId: invoice.orgId, status: 'PAST_DUE' }, data: { status: 'ACTIVE' } });
  return updated;
}

/** Where a prepaid credit comes from. */
export type CreditSource = 'purchase' | 'goodwill' | 'credit_note' | 'proration';

/** Input of {@link grantCredit}. */
export interface GrantCreditInput {
  orgId: string;
  /** Minor units, > 0. */
  amountMinor: bigint;
  /** ISO 4217; must be the organisation's currency. */
  currency: string;
  source: CreditSource;
  reason?: string | null;
  /** After this instant the credit is no longer used; null/absent: never expires. */
  expiresAt?: Date | null;
  /** Creation instant (credits are used oldest first); the database clock when absent. */
  now?: Date;
}

/**
 * Gives an organisation prepaid credit, used by its next finalized invoices before tax, oldest first.
 * @returns the CreditGrant (remaining = amount)
 * @throws DictaMeshError `QUANTITY_INVALID` when the amount is ≤ 0
 * @throws DictaMeshError `CURRENCY_UNKNOWN` when the currency is not ISO 4217
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN` when the organisation does not exist
 * @throws DictaMeshError `CURRENCY_MISMATCH` when it is not the organisation's currency
 */
export async function grantCredit(prisma: PrismaClient | Tx, input: GrantCreditInput): Promise<Prisma.CreditGrantModel> {
  if (input.amountMinor <= 0n) throw err('QUANTITY_INVALID', 'A credit must be a positive amount.', { field: 'amountMinor' });
  const code = currencyOf(input.currency).code;
  const org = await prisma.organization.findUnique({ where: { id: input.orgId } });
  if (org === null) throw err('ORGANIZATION_UNKNOWN', `No organisation "${input.orgId}".`, { orgId: input.orgId });
  if (org.currency !== code)
    throw err('CURRENCY_MISMATCH', `The organisation is billed in ${org.currency}, not ${code}.`, {
      orgCurrency: org.currency,
      currency: code,
    });
  return prisma.creditGrant.create({
    data: {
      orgId: input.orgId,
      currency: code,
      amountMinor: input.amountMinor,
      remainingMinor: input.amountMinor,
      source: input.source,
      reason: input.reason ?? null,
      expiresAt: input.expiresAt ?? null,
      ...(input.now ? { createdAt: input.now } : {}),
    },
  });
}
