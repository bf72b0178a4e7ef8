import { err } from '@dictamesh/runtime';
import { type Currency, UNIT_PRICE_DECIMALS, parseDecimal, toMinor } from '../money';
import { type Charge, priceCharge } from './charge-models';
import type { DraftLine } from './invoice-calc';

/** A plan as priced: a fixed amount per period and charges on billable metrics, in one currency. */
export interface PricedPlan {
  currency: Currency;
  /** Shown on the fixed line (`'Pro plan'`); `'Subscription fee'` when absent. */
  name?: string;
  /** Fixed amount per period, currency units (≤ {@link UNIT_PRICE_DECIMALS} decimals; `'0'` for a usage-only plan). */
  fixedAmount: string;
  charges: Charge[];
  /** Minimum amount per period, currency units (see `computeInvoice`). */
  minimumCommitment?: string;
}

/**
 * Prices a period's usage on a plan: the fixed line first (always, even at 0), then one line per
 * charge in the plan's order. A metric without usage counts as 0 (its line stays, at 0 or at a
 * first tier's flat fee); usage of metrics the plan does not charge is ignored. `flat_fee` charges
 * give `fixed` lines of quantity 1, the others `usage` lines.
 * @param usage quantity per metric code, decimal strings (units; currency units for amount metrics)
 * @throws DictaMeshError `QUANTITY_INVALID` when the fixed amount or a quantity is negative or not a decimal
 * @throws DictaMeshError `PRICING_INVALID` when a charge is invalid, or has no metric without being a `flat_fee`
 */
export function priceUsage(plan: PricedPlan, usage: Record<string, string>): DraftLine[] {
  const fixed = parseDecimal(plan.fixedAmount, 'fixedAmount', UNIT_PRICE_DECIMALS);
  const lines: DraftLine[] = [
    {
      kind: 'fixed',
      description: plan.name ?? 'Subscription fee',
      metricCode: null,
      quantity: '1',
      unitPrice: fixed.toFixed(),
      amountMinor: toMinor(fixed, plan.currency),
    },
  ];
  for (const charge of plan.charges) {
    if (charge.metricCode === null && charge.pricing.model !== 'flat_fee')
      throw err('PRICING_INVALID', `Charge ${charge.id} has no metric: only a flat_fee charge may have none.`, {
        field: 'metricCode',
        chargeId: charge.id,
      });
    const quantity = charge.metricCode === null ? '0' : (usage[charge.metricCode] ?? '0');
    const result = priceCharge(charge, quantity, plan.currency);
    lines.push({
      kind: charge.pricing.model === 'flat_fee' ? 'fixed' : 'usage',
      description: charge.description,
      metricCode: charge.metricCode,
      quantity: result.quantity,
      unitPrice: result.unitPrice,
      amountMinor: result.amountMinor,
      ...(result.tiers.length > 0 ? { tiers: result.tiers } : {}),
    });
  }
  return lines;
}

/**
 * The plan's minimum commitment in minor units, for `computeInvoice`; undefined when it has none.
 * @throws DictaMeshError `QUANTITY_INVALID` when it is negative or has more than 5 decimals
 */
export function minimumCommitmentMinor(plan: Pick<PricedPlan, 'currency' | 'minimumCommitment'>): bigint | undefined {
  if (plan.minimumCommitment === undefined) return undefined;
  return toMinor(parseDecimal(plan.minimumCommitment, 'minimumCommitment', UNIT_PRICE_DECIMALS), plan.currency);
}
