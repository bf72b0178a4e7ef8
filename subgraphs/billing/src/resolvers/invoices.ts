import { err } from '@dictamesh/runtime';
import type {
  InvoiceLineResolvers,
  InvoiceResolvers,
  MutationResolvers,
  PaymentResolvers,
  CreditGrantResolvers,
  QueryResolvers,
} from '../__generated__/resolvers-types';
import type { BillingContext } from '../context';
import { isPlatformOperator, maySee, targetOrg } from '../graphql/access';
import { finalizeInvoice, grantCredit, markUncollectible, voidInvoice } from '../invoices/lifecycle';
import { createOnDemandInvoice } from '../invoices/on-demand';
import { findInvoice } from '../invoices/queries';
import { currency as isoCurrency, parseDecimal, toMinor } from '../money';
import { collectInvoice, recordManualPayment, refundPayment } from '../payments/ledger';
import { requireOrganization } from '../organizations/organizations';
import { money } from './money';

/** The organisation a caller's invoice operations are limited to: its own, or none for the operator. */
function scopeOf(ctx: BillingContext): string | null {
  return isPlatformOperator(ctx) ? null : ctx.org;
}

/**
 * The invoice `id` as the caller may see it.
 * @throws DictaMeshError `NOT_FOUND` for an unknown id and for another organisation's invoice alike
 */
async function visibleInvoice(ctx: BillingContext, id: string) {
  const invoice = await findInvoice(ctx.prisma, id, scopeOf(ctx));
  if (!invoice) throw err('NOT_FOUND', 'No such invoice.', { invoiceId: id });
  return invoice;
}

export const invoiceQueries: Pick<QueryResolvers, 'invoice'> = {
  invoice: (_, { id }, ctx) => findInvoice(ctx.prisma, id, scopeOf(ctx)),
};

export const invoiceMutations: Pick<
  MutationResolvers,
  'createInvoice' | 'finalizeInvoice' | 'voidInvoice' | 'markInvoiceUncollectible' | 'addCredits' | 'recordManualPayment' | 'refundPayment'
> = {
  createInvoice: (_, { orgId }, ctx) =>
    createOnDemandInvoice(ctx.prisma, { orgId: targetOrg(ctx, orgId), now: ctx.now(), usage: ctx.usage }),
  finalizeInvoice: async (_, { id }, ctx) => {
    const { orgId } = await visibleInvoice(ctx, id);
    const invoice = await finalizeInvoice(ctx.prisma, { invoiceId: id, orgId, now: ctx.now() });
    ctx.publishEvents();
    // a provider outage leaves the invoice finalized and unpaid (collected again by the operator or paid by hand)
    await collectInvoice(ctx.prisma, ctx.providers, id, ctx.now()).catch((error: unknown) =>
      ctx.log.warn({ err: error, invoiceId: id }, 'billing: the payment provider did not take the invoice; it stays finalized and unpaid'),
    );
    ctx.publishEvents();
    return ctx.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
  },
  voidInvoice: async (_, { id }, ctx) => {
    const { orgId } = await visibleInvoice(ctx, id);
    const invoice = await voidInvoice(ctx.prisma, { invoiceId: id, orgId, now: ctx.now() });
    ctx.publishEvents();
    return invoice;
  },
  markInvoiceUncollectible: async (_, { id }, ctx) => {
    const { orgId } = await visibleInvoice(ctx, id);
    return markUncollectible(ctx.prisma, { invoiceId: id, orgId, now: ctx.now() });
  },
  addCredits: async (_, { input }, ctx) => {
    const org = await requireOrganization(ctx.prisma, targetOrg(ctx, input.orgId));
    const currency = isoCurrency(org.currency);
    return grantCredit(ctx.prisma, {
      orgId: org.id,
      amountMinor: toMinor(parseDecimal(input.amount, 'amount', currency.exponent), currency),
      currency: currency.code,
      source: input.source === 'goodwill' ? 'goodwill' : 'purchase',
      reason: input.reason ?? null,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    });
  },
  recordManualPayment: async (_, { input }, ctx) => {
    const payment = await recordManualPayment(ctx.prisma, { ...input, orgId: scopeOf(ctx), now: ctx.now() });
    ctx.publishEvents();
    return payment;
  },
  refundPayment: (_, { input }, ctx) => refundPayment(ctx.prisma, ctx.providers, { ...input, orgId: scopeOf(ctx), now: ctx.now() }),
};

export const Invoice: InvoiceResolvers = {
  subtotal: (i) => money(i.subtotalMinor, i.currency),
  creditsApplied: (i) => money(i.creditsAppliedMinor, i.currency),
  tax: (i) => money(i.taxMinor, i.currency),
  total: (i) => money(i.totalMinor, i.currency),
  amountPaid: (i) => money(i.amountPaidMinor, i.currency),
  amountDue: (i) => money(i.status === 'VOIDED' ? 0n : i.totalMinor - i.amountPaidMinor, i.currency),
  lines: async (i, _, ctx) =>
    (await ctx.prisma.invoiceLine.findMany({ where: { invoiceId: i.id }, orderBy: { position: 'asc' } })).map((line) => ({
      ...line,
      currency: i.currency,
    })),
  payments: (i, _, ctx) => ctx.prisma.payment.findMany({ where: { invoiceId: i.id }, orderBy: { createdAt: 'asc' } }),
  downloadUrl: (i, _, ctx) => {
    if (!maySee(ctx, i.orgId)) throw err('NOT_FOUND', 'No such invoice.');
    return ctx.links.url(i.id, i.orgId);
  },
};

export const InvoiceLine: InvoiceLineResolvers = {
  quantity: (l) => l.quantity.toString(),
  amount: (l) => money(l.amountMinor, l.currency),
  creditApplied: (l) => money(l.creditAppliedMinor, l.currency),
  taxRatePercent: (l) => l.taxRatePercent.toString(),
  tax: (l) => money(l.taxMinor, l.currency),
  tiers: (l) => l.details ?? null,
};

export const Payment: PaymentResolvers = {
  amount: (p) => money(p.amountMinor, p.currency),
  refunded: (p) => money(p.refundedMinor, p.currency),
};

export const CreditGrant: CreditGrantResolvers = {
  amount: (c) => money(c.amountMinor, c.currency),
  remaining: (c) => money(c.remainingMinor, c.currency),
};
