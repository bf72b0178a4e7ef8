import type { Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { type Currency, currency as currencyOf, formatUnits } from '../money';
import { type CreditBalance, type DraftLine, type TaxRate, computeInvoice, minimumCommitmentMinor, priceUsage } from '../pricing';
import type { Period } from '../subscriptions/periods';
import { planMetricCodes, toPricedPlan } from './plan-pricing';

/** A Prisma transaction client (`prisma.$transaction(async (tx) => …)`). */
export type Tx = Prisma.TransactionClient;

/**
 * Where an invoice's usage comes from: the quantity per metric code (decimal strings, units; amount
 * metrics in currency units) an organisation used in `[from, to)`. Metrics without usage may be
 * left out (they count as 0). Production wires `metering/aggregate.ts`'s `aggregateUsage`; tests
 * pass a fixed table.
 * @param db the transaction the invoice is written in: read through it (not through another
 *   client) so the read needs no second connection while the transaction holds one
 */
export type UsageSource = (orgId: string, metricCodes: string[], from: Date, to: Date, db: Tx) => Promise<Record<string, string>>;

/** Why an invoice was made: the scheduler closing a period (at most one per subscription and period) or a request. */
export type InvoiceReason = 'period_close' | 'on_demand';

/** Input of {@link createDraftInvoice}. Give `subscriptionId`, or `orgId` (its live subscription, if any, is used), or both (they must match). */
export interface CreateDraftInvoiceInput {
  subscriptionId?: string;
  orgId?: string;
  /** The billing period `[start, end)` the usage is measured over and the invoice is for. */
  period: Period;
  reason: InvoiceReason;
  /**
   * Bill the pending items only (proration, adjustments), not the plan's fixed fee and usage —
   * what an invoice on demand during a period does, since the period-close invoice bills those.
   */
  pendingOnly?: boolean;
  /** The clock: credit expiry is judged at this instant; the invoice's `createdAt`. */
  now: Date;
  usage: UsageSource;
}

/** An invoice row with its lines in position order. */
export type InvoiceWithLines = Prisma.InvoiceModel & { lines: Prisma.InvoiceLineModel[] };

/** The line kinds a pending item may carry onto an invoice as is; any other kind becomes `adjustment`. */
const PENDING_KINDS = new Set<DraftLine['kind']>(['proration_credit', 'proration_charge', 'adjustment']);

/**
 * Prepaid credits of an organisation usable at `now` in `currency`, oldest first (created, then id):
 * remaining > 0 and not expired (`expiresAt` null or after `now`).
 * @param lock take row locks (`FOR UPDATE`) until the transaction ends: finalization does, so two
 *   finalizers never spend the same credit
 */
export async function availableCredits(tx: Tx, orgId: string, currencyCode: string, now: Date, lock = false): Promise<CreditBalance[]> {
  const rows = lock
    ? await tx.$queryRaw<{ id: string; remaining_minor: bigint }[]>`
        SELECT "id", "remaining_minor" FROM "dictamesh_billing_credits"
        WHERE "org_id" = ${orgId} AND "currency" = ${currencyCode} AND "remaining_minor" > 0
          AND ("expires_at" IS NULL OR "expires_at" > ${now})
        ORDER BY "created_at", "id" FOR UPDATE`
    : (
        await tx.creditGrant.findMany({
          where: { orgId, currency: currencyCode, remainingMinor: { gt: 0n }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: { id: true, remainingMinor: true },
        })
      ).map((g) => ({ id: g.id, remaining_minor: g.remainingMinor }));
  return rows.map((r) => ({ id: r.id, remainingMinor: BigInt(r.remaining_minor) }));
}

/**
 * The tax rate of a jurisdiction (its `TaxRate` row), or null without a jurisdiction or without a
 * row for it (no tax).
 */
export async function taxRateOf(tx: Tx, jurisdiction: string | null): Promise<TaxRate | null> {
  if (jurisdiction === null) return null;
  const row = await tx.taxRate.findUnique({ where: { jurisdiction } });
  return row === null ? null : { jurisdiction: row.jurisdiction, name: row.name, ratePercent: row.ratePercent.toFixed() };
}

/** A pending item as an invoice line of quantity 1. */
function pendingLine(item: Prisma.BillingPendingItemModel, cur: Currency): DraftLine {
  const kind = PENDING_KINDS.has(item.kind as DraftLine['kind']) ? (item.kind as DraftLine['kind']) : 'adjustment';
  return {
    kind,
    description: item.description,
    metricCode: null,
    quantity: '1',
    unitPrice: formatUnits(item.amountMinor, cur),
    amountMinor: item.amountMinor,
  };
}

/**
 * Writes a DRAFT invoice for a period, in the caller's transaction:
 * 1. Finds the organisation and its subscription with plan and charges (`subscriptionId`, else
 *    the organisation's live subscription, i.e. not CANCELLED).
 * 2. Prices the plan ({@link toPricedPlan}, `priceUsage`) over the usage of the plan's metrics in
 *    `period` (`input.usage`): the fixed line, then one line per charge.
 * 3. Appends the subscription's pending items not invoiced yet in the invoice's currency (oldest
 *    first; row-locked, so two drafts never take the same item) and marks them with the invoice id.
 *    Pending items of another currency stay pending.
 * 4. Computes credits, tax and totals (`computeInvoice` with `minimumCommitmentMinor`): credits
 *    usable at `now` (same currency, remaining > 0, not expired, oldest first) and the tax rate of
 *    the organisation's `taxJurisdiction`. On a draft these figures are a preview: nothing is
 *    spent until {@link finalizeInvoice} recomputes them.
 * 5. Writes the Invoice (DRAFT, no number) and its InvoiceLines (positions 1, 2, …; `details` of a
 *    tiered usage line = `{ tiers: TierBreakdown[] }`).
 *
 * Without a live subscription (only `orgId` given), an `on_demand` invoice bills the
 * organisation's pending items alone (of any of its past subscriptions; `subscriptionId` null);
 * when there are none, there is nothing to bill: `SUBSCRIPTION_STATE_INVALID` rather than an
 * empty invoice.
 *
 * A second `period_close` invoice for the same subscription and period start fails on the
 * migration's partial unique index (Prisma `P2002`, SQLSTATE 23505): the caller's transaction
 * must roll back.
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN` when the organisation does not exist
 * @throws DictaMeshError `NOT_FOUND` when the subscription does not exist or belongs to another organisation
 * @throws DictaMeshError `SUBSCRIPTION_STATE_INVALID` for `period_close` without a subscription, or `on_demand` with nothing to bill
 * @throws DictaMeshError `CURRENCY_MISMATCH` when the organisation's currency differs from the plan's
 * @throws DictaMeshError `BAD_USER_INPUT` when neither id is given or the period is empty
 * @throws DictaMeshError `PRICING_INVALID` / `QUANTITY_INVALID` from the pricing engine
 */
export async function createDraftInvoice(tx: Tx, input: CreateDraftInvoiceInput): Promise<InvoiceWithLines> {
  const { period, reason, now } = input;
  if (input.subscriptionId === undefined && input.orgId === undefined)
    throw err('BAD_USER_INPUT', 'Give a subscription id or an organisation id.', { field: 'subscriptionId' });
  if (!(period.start.getTime() < period.end.getTime()))
    throw err('BAD_USER_INPUT', 'The period must end after it starts.', { field: 'period' });

  const subscription =
    input.subscriptionId !== undefined
      ? await tx.billingSubscription.findUnique({
          where: { id: input.subscriptionId },
          include: { plan: { include: { charges: true } } },
        })
      : await tx.billingSubscription.findFirst({
          where: { orgId: input.orgId!, status: { not: 'CANCELLED' } },
          include: { plan: { include: { charges: true } } },
        });
  if (input.subscriptionId !== undefined && (subscription === null || (input.orgId !== undefined && subscription.orgId !== input.orgId)))
    throw err('NOT_FOUND', 'No such subscription.', { subscriptionId: input.subscriptionId });
  const orgId = subscription?.orgId ?? input.orgId!;
  const org = await tx.organization.findUnique({ where: { id: orgId } });
  if (org === null) throw err('ORGANIZATION_UNKNOWN', `No organisation "${orgId}".`, { orgId });
  if (subscription === null && reason === 'period_close')
    throw err('SUBSCRIPTION_STATE_INVALID', 'A period-close invoice needs a subscription.', { orgId });
  const cur = currencyOf(org.currency);

  let lines: DraftLine[] = [];
  let minimumMinor: bigint | undefined;
  if (subscription !== null && !input.pendingOnly) {
    if (subscription.plan.currency !== org.currency)
      throw err('CURRENCY_MISMATCH', `The organisation pays in ${org.currency} but the plan is in ${subscription.plan.currency}.`, {
        orgCurrency: org.currency,
        planCurrency: subscription.plan.currency,
      });
    // the fixed fee is the one the period started on: plan changes since are in the pending proration items
    const periodPlan =
      subscription.periodPlanId && subscription.periodPlanId !== subscription.planId
        ? await tx.billingPlan.findUnique({ where: { id: subscription.periodPlanId } })
        : null;
    const plan = toPricedPlan(
      periodPlan ? { ...subscription.plan, name: periodPlan.name, fixedAmount: periodPlan.fixedAmount } : subscription.plan,
    );
    const metrics = planMetricCodes(plan);
    const usage = metrics.length === 0 ? {} : await input.usage(orgId, metrics, period.start, period.end, tx);
    lines = priceUsage(plan, usage);
    minimumMinor = minimumCommitmentMinor(plan);
  }

  const pendingIds = subscription
    ? await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "dictamesh_billing_pending_items"
        WHERE "subscription_id" = ${subscription.id} AND "invoice_id" IS NULL AND "currency" = ${org.currency}
        ORDER BY "created_at", "id" FOR UPDATE`
    : await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "dictamesh_billing_pending_items"
        WHERE "org_id" = ${orgId} AND "invoice_id" IS NULL AND "currency" = ${org.currency}
        ORDER BY "created_at", "id" FOR UPDATE`;
  const pending =
    pendingIds.length === 0
      ? []
      : await tx.billingPendingItem.findMany({
          where: { id: { in: pendingIds.map((p) => p.id) } },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        });
  if ((subscription === null || input.pendingOnly) && pending.length === 0)
    throw err('SUBSCRIPTION_STATE_INVALID', 'The organisation has nothing pending to bill.', { orgId });
  lines.push(...pending.map((item) => pendingLine(item, cur)));

  const tax = await taxRateOf(tx, org.taxJurisdiction);
  const computed = computeInvoice({
    currency: cur,
    lines,
    ...(minimumMinor === undefined ? {} : { minimumCommitmentMinor: minimumMinor }),
    credits: await availableCredits(tx, orgId, org.currency, now),
    tax,
  });

  const invoice = await tx.invoice.create({
    data: {
      orgId,
      subscriptionId: subscription?.id ?? null,
      status: 'DRAFT',
      reason,
      currency: org.currency,
      periodStart: period.start,
      periodEnd: period.end,
      taxJurisdiction: tax?.jurisdiction ?? null,
      subtotalMinor: computed.subtotalMinor,
      creditsAppliedMinor: computed.creditsAppliedMinor,
      taxMinor: computed.taxMinor,
      totalMinor: computed.totalMinor,
      createdAt: now,
      lines: {
        create: computed.lines.map((line, i) => ({
          position: i + 1,
          kind: line.kind,
          description: line.description,
          metricCode: line.metricCode ?? null,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          amountMinor: line.amountMinor,
          creditAppliedMinor: line.creditAppliedMinor,
          taxRatePercent: line.taxRatePercent,
          taxMinor: line.taxMinor,
          ...(line.tiers && line.tiers.length > 0 ? { details: { tiers: line.tiers } as unknown as Prisma.InputJsonValue } : {}),
        })),
      },
    },
    include: { lines: { orderBy: { position: 'asc' } } },
  });
  if (pending.length > 0)
    await tx.billingPendingItem.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { invoiceId: invoice.id } });
  return invoice;
}
