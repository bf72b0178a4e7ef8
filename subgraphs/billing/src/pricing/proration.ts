import { err } from '@dictamesh/runtime';
import { Money, type MoneyDecimal, type Currency, UNIT_PRICE_DECIMALS, parseDecimal, toMinor } from '../money';

/** Whole seconds since the epoch (milliseconds dropped). */
function seconds(date: Date, field: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw err('QUANTITY_INVALID', `${field} is not a valid date.`, { field });
  return Math.floor(ms / 1000);
}

/**
 * The share of a billing period left at `at`, to the second: (periodEnd − at) ÷ (periodEnd −
 * periodStart), each instant truncated to whole seconds, exact (decimal, not rounded beyond 40
 * significant digits). 1 at the very start, 0 at the very end.
 * @throws DictaMeshError `QUANTITY_INVALID` when a date is invalid, the period is empty or reversed, or `at` lies outside [periodStart, periodEnd]
 */
export function prorationFraction(periodStart: Date, periodEnd: Date, at: Date): MoneyDecimal {
  const start = seconds(periodStart, 'periodStart');
  const end = seconds(periodEnd, 'periodEnd');
  const now = seconds(at, 'at');
  if (end <= start) throw err('QUANTITY_INVALID', 'The period must end after it starts.', { field: 'periodEnd' });
  if (now < start || now > end) throw err('QUANTITY_INVALID', 'The change must fall within the period.', { field: 'at' });
  return new Money(end - now).div(end - start);
}

/** One line of a mid-period plan change. */
export interface ProrationLine {
  description: string;
  /** `proration_credit`: the unused part of the old plan, given back; `proration_charge`: the rest of the period on the new plan. */
  kind: 'proration_credit' | 'proration_charge';
  /** Exact amount in currency units; negative for a credit. */
  amount: MoneyDecimal;
  /** {@link amount} rounded once, half-even, to minor units; negative for a credit. */
  amountMinor: bigint;
}

/**
 * Prorates a plan change at `at` within the current period: a credit of the old fixed amount ×
 * the fraction left ({@link prorationFraction}) and a charge of the new fixed amount × that
 * fraction, each rounded half-even on its own line. Lines of zero minor units are left out (a
 * change at the very end of the period yields no line; a free old plan yields no credit).
 * @param input.oldFixedAmount fixed amount per period of the old plan, currency units (≤ {@link UNIT_PRICE_DECIMALS} decimals)
 * @param input.newFixedAmount fixed amount per period of the new plan, currency units
 * @returns the lines (credit first) and their net in minor units (charge − credit; negative on a downgrade)
 * @throws DictaMeshError `QUANTITY_INVALID` when an amount is negative or not a decimal, or the dates are invalid
 */
export function prorateChange(input: {
  oldFixedAmount: string;
  newFixedAmount: string;
  periodStart: Date;
  periodEnd: Date;
  at: Date;
  currency: Currency;
  oldName: string;
  newName: string;
}): { lines: ProrationLine[]; netMinor: bigint } {
  const oldAmount = parseDecimal(input.oldFixedAmount, 'oldFixedAmount', UNIT_PRICE_DECIMALS);
  const newAmount = parseDecimal(input.newFixedAmount, 'newFixedAmount', UNIT_PRICE_DECIMALS);
  const fraction = prorationFraction(input.periodStart, input.periodEnd, input.at);
  const credit = oldAmount.mul(fraction).neg();
  const charge = newAmount.mul(fraction);
  const candidates: ProrationLine[] = [
    {
      description: `Unused time on ${input.oldName}`,
      kind: 'proration_credit',
      amount: credit,
      amountMinor: toMinor(credit, input.currency),
    },
    {
      description: `Remaining time on ${input.newName}`,
      kind: 'proration_charge',
      amount: charge,
      amountMinor: toMinor(charge, input.currency),
    },
  ];
  const lines = candidates.filter((line) => line.amountMinor !== 0n);
  return { lines, netMinor: lines.reduce((sum, line) => sum + line.amountMinor, 0n) };
}
