import { Decimal } from 'decimal.js';
import { err } from '@dictamesh/runtime';
import { Money, type Currency, UNIT_PRICE_DECIMALS, formatUnits, parseDecimal } from '../money';
import type { ChargeResult } from './charge-models';

/** A priced invoice line before credits and tax (amounts in integer minor units, already rounded once). */
export interface DraftLine {
  kind: 'fixed' | 'usage' | 'proration_credit' | 'proration_charge' | 'minimum_commitment' | 'adjustment';
  description: string;
  /** The billable metric of a `usage` line. */
  metricCode?: string | null;
  /** Decimal string (units, or `'1'`). */
  quantity: string;
  /** Decimal string, currency units, for display. */
  unitPrice: string;
  /** Minor units; negative for credits (`proration_credit`, a negative `adjustment`). */
  amountMinor: bigint;
  /** Tier breakdown of a tiered usage line. */
  tiers?: ChargeResult['tiers'];
}

/** A prepaid credit of the organisation and what is left of it (minor units). Given oldest first. */
export interface CreditBalance {
  id: string;
  remainingMinor: bigint;
}

/** The sales tax / VAT rate applied to the invoice. */
export interface TaxRate {
  jurisdiction: string;
  name: string;
  /** Percent as a decimal string (`'19'`, `'8.875'`), at most {@link UNIT_PRICE_DECIMALS} decimals. */
  ratePercent: string;
}

/** A line with its share of credits and its tax (minor units). */
export interface ComputedLine extends DraftLine {
  /** Prepaid credit allocated to this line. */
  creditAppliedMinor: bigint;
  /** What the tax is computed on: the line's amount less its share of the invoice's negative lines and of prepaid credits; never negative. */
  taxableMinor: bigint;
  /** The rate applied (`'0'` without tax). */
  taxRatePercent: string;
  /** half-even(taxable × rate / 100) in minor units. */
  taxMinor: bigint;
}

/** An invoice's figures, all in minor units of {@link currency}. */
export interface ComputedInvoice {
  /** ISO 4217 code. */
  currency: string;
  lines: ComputedLine[];
  /** Σ line amounts (negative lines included; may be negative). */
  subtotalMinor: bigint;
  /** Σ prepaid credit used. */
  creditsAppliedMinor: bigint;
  /** Prepaid credit consumed, per credit, oldest first; only credits actually used. */
  creditUsage: { creditId: string; amountMinor: bigint }[];
  /** Σ line taxes. */
  taxMinor: bigint;
  /** subtotal − credits + tax, never negative. */
  totalMinor: bigint;
  /** A negative subtotal (proration credit larger than the charges), to become a new prepaid credit. */
  carriedCreditMinor: bigint;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * Composes an invoice from priced lines, in this order:
 * 1. Minimum commitment: when the sum of the positive lines is below `minimumCommitmentMinor`, a
 *    `minimum_commitment` line for the difference is appended.
 * 2. Subtotal = Σ line amounts (negative lines included).
 * 3. Negative lines (proration credits, negative adjustments) are netted against the positive
 *    lines in line order; what they exceed the positive lines by is `carriedCreditMinor` (= −subtotal
 *    when the subtotal is negative), to become new prepaid credit. Negative lines carry no tax.
 * 4. Prepaid credits are applied before tax, up to the netted amount: allocated to the lines in
 *    line order, consumed from the oldest credit first; what a credit has left stays on it
 *    (`creditUsage` lists only what was used).
 * 5. Tax per line = half-even(taxable × rate / 100) in minor units, with taxable = line amount −
 *    its share of the negative lines − its prepaid credit; invoice tax = Σ line taxes (not the
 *    rounded tax of the sum).
 * 6. Total = subtotal − credits + tax, never negative (0 when the subtotal is negative).
 * A period without usage gives the fixed lines and usage lines of 0, all kept.
 * @throws DictaMeshError `QUANTITY_INVALID` when the minimum commitment or a credit balance is negative, or the tax rate is not a non-negative decimal of at most 5 decimals
 */
export function computeInvoice(input: {
  currency: Currency;
  lines: DraftLine[];
  minimumCommitmentMinor?: bigint;
  credits: CreditBalance[];
  tax: TaxRate | null;
}): ComputedInvoice {
  const { currency } = input;
  const rate = input.tax === null ? new Money(0) : parseDecimal(input.tax.ratePercent, 'tax.ratePercent', UNIT_PRICE_DECIMALS);
  for (const credit of input.credits)
    if (credit.remainingMinor < 0n)
      throw err('QUANTITY_INVALID', 'A credit balance must not be negative.', { field: 'credits', creditId: credit.id });

  const lines: DraftLine[] = [...input.lines];
  const positive = lines.reduce((sum, line) => (line.amountMinor > 0n ? sum + line.amountMinor : sum), 0n);
  if (input.minimumCommitmentMinor !== undefined) {
    if (input.minimumCommitmentMinor < 0n)
      throw err('QUANTITY_INVALID', 'The minimum commitment must not be negative.', { field: 'minimumCommitment' });
    const shortfall = input.minimumCommitmentMinor - positive;
    if (shortfall > 0n)
      lines.push({
        kind: 'minimum_commitment',
        description: 'Minimum commitment',
        metricCode: null,
        quantity: '1',
        unitPrice: formatUnits(shortfall, currency),
        amountMinor: shortfall,
      });
  }
  const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0n);

  // taxable bases: positive lines less the negative lines, in line order
  const base = lines.map((line) => (line.amountMinor > 0n ? line.amountMinor : 0n));
  let negatives = lines.reduce((sum, line) => (line.amountMinor < 0n ? sum - line.amountMinor : sum), 0n);
  for (const [i, amount] of base.entries()) {
    const take = min(amount, negatives);
    base[i] = amount - take;
    negatives -= take;
  }
  const carriedCreditMinor = negatives;

  // prepaid credits, before tax
  const available = input.credits.reduce((sum, credit) => sum + credit.remainingMinor, 0n);
  const creditsAppliedMinor = min(
    available,
    base.reduce((sum, amount) => sum + amount, 0n),
  );
  let left = creditsAppliedMinor;
  const creditUsage: ComputedInvoice['creditUsage'] = [];
  for (const credit of input.credits) {
    const take = min(credit.remainingMinor, left);
    if (take > 0n) creditUsage.push({ creditId: credit.id, amountMinor: take });
    left -= take;
  }
  left = creditsAppliedMinor;
  const taxRatePercent = rate.toFixed();
  const computed: ComputedLine[] = lines.map((line, i) => {
    const lineBase = base[i]!;
    const creditAppliedMinor = min(lineBase, left);
    left -= creditAppliedMinor;
    const taxableMinor = lineBase - creditAppliedMinor;
    const tax = new Money(taxableMinor.toString()).mul(rate).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
    return { ...line, creditAppliedMinor, taxableMinor, taxRatePercent, taxMinor: BigInt(tax.toFixed(0)) };
  });
  const taxMinor = computed.reduce((sum, line) => sum + line.taxMinor, 0n);
  const total = subtotalMinor - creditsAppliedMinor + taxMinor;
  return {
    currency: currency.code,
    lines: computed,
    subtotalMinor,
    creditsAppliedMinor,
    creditUsage,
    taxMinor,
    totalMinor: total > 0n ? total : 0n,
    carriedCreditMinor,
  };
}
