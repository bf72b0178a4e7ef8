import { Decimal } from 'decimal.js';
import { err } from '@dictamesh/runtime';
import { Money, type MoneyDecimal, type Currency, UNIT_PRICE_DECIMALS, parseDecimal, toMinor } from '../money';

/**
 * One tier of a `graduated` or `volume` charge. A tier covers the units above the previous
 * tier's `upTo` (0 for the first tier) up to its own `upTo`, inclusive; so "0–10, 11–20, 21+"
 * is written `upTo: '10'`, `upTo: '20'`, `upTo: null`.
 */
export type Tier = {
  /** Inclusive upper bound in units (decimals allowed, `'10'`, `'0.5'`); `null` = no bound, only on the last tier. */
  upTo: string | null;
  /** Price of one unit in this tier, currency units, at most {@link UNIT_PRICE_DECIMALS} decimals. */
  unitPrice: string;
  /** Charged once when the tier is entered (currency units, at most {@link UNIT_PRICE_DECIMALS} decimals). */
  flatFee: string;
};

/** One tier of a `graduated_percentage` charge: a percentage of the amount that falls in the tier. */
export type PercentageTier = {
  /** Inclusive upper bound in currency units of the metered amount; `null` only on the last tier. */
  upTo: string | null;
  /** Percent of the amount in the tier (`'2.5'` = 2.5 %), 0–100, at most {@link UNIT_PRICE_DECIMALS} decimals. */
  rate: string;
  /** Charged once when the tier is entered (currency units). */
  flatFee: string;
};

/**
 * How one charge turns a quantity into an amount (currency units, decimal strings, never floats):
 * - `standard`: quantity × `unitPrice`.
 * - `graduated`: each unit at the price of the tier it falls in; each tier entered adds its flat
 *   fee (the first tier is always entered, so its flat fee applies even at 0 units).
 * - `volume`: every unit at the price of the tier the whole quantity falls in, plus that tier's flat fee.
 * - `package`: `packagePrice` per started package of `packageSize` units (packages rounded up).
 * - `graduated_percentage`: like `graduated` over an amount metric (quantity = summed amount in
 *   currency units), each tier charging `rate` percent of the amount in it.
 * - `flat_fee`: `amount` once per period, whatever the quantity.
 */
export type ChargeModel =
  | { model: 'standard'; unitPrice: string }
  | { model: 'graduated'; tiers: Tier[] }
  | { model: 'volume'; tiers: Tier[] }
  | { model: 'package'; packageSize: number; packagePrice: string }
  | { model: 'graduated_percentage'; tiers: PercentageTier[] }
  | { model: 'flat_fee'; amount: string };

/** A plan's charge on one billable metric. */
export interface Charge {
  id: string;
  /** Code of the billable metric it prices; `null` only for `flat_fee`. */
  metricCode: string | null;
  /** Shown on the invoice line. */
  description: string;
  pricing: ChargeModel;
  /** Free allowance in units, deducted from the quantity before pricing (ignored by `flat_fee`). */
  includedUnits?: string;
}

/** The units of one tier a charge went through, for the invoice detail (decimal strings, currency units). */
export interface TierBreakdown {
  /** Exclusive lower bound: the previous tier's `upTo` (`'0'` for the first tier). */
  from: string;
  /** Inclusive upper bound; `null` for the open last tier. */
  to: string | null;
  /** Units priced in this tier. */
  units: string;
  /** Price of one unit (for `graduated_percentage`: rate / 100, the price of one currency unit). */
  unitPrice: string;
  flatFee: string;
  /** units × unitPrice + flatFee, exact. */
  amount: string;
}

/** One charge priced over one quantity. */
export interface ChargeResult {
  /** {@link Charge.id} */
  chargeId: string;
  /** Quantity measured (units; `'1'` for `flat_fee`). */
  quantity: string;
  /** Quantity priced: quantity − includedUnits, at least 0. */
  billableQuantity: string;
  /** Exact amount in currency units, not rounded. */
  amount: MoneyDecimal;
  /** {@link amount} rounded once, half-even, to the currency's minor units. */
  amountMinor: bigint;
  /**
   * For display: the model's unit price (`standard`), the fee (`flat_fee`), otherwise amount ÷
   * billable quantity rounded half-even to {@link UNIT_PRICE_DECIMALS} decimals (at 0 billable
   * units: the first tier's unit price, or packagePrice ÷ packageSize).
   */
  unitPrice: string;
  /** Tiers gone through (`graduated`, `volume`, `graduated_percentage`); empty for the other models. */
  tiers: TierBreakdown[];
}

const MODELS = ['standard', 'graduated', 'volume', 'package', 'graduated_percentage', 'flat_fee'] as const;
/** Most decimals an included allowance or a tier bound may carry (quantities such as storage GB). */
const QUANTITY_DECIMALS = 20;

/** A problem with a decimal string, or undefined when it is a finite, non-negative decimal of at most `maxDecimals`. */
function decimalProblem(value: unknown, field: string, maxDecimals: number): string | undefined {
  if (typeof value !== 'string') return `${field} must be a decimal string`;
  let parsed: Decimal;
  try {
    parsed = new Money(value);
  } catch {
    return `${field} is not a decimal number`;
  }
  if (!parsed.isFinite()) return `${field} is not finite`;
  if (parsed.isNegative() && !parsed.isZero()) return `${field} must not be negative`;
  if (parsed.decimalPlaces() > maxDecimals) return `${field} has more than ${maxDecimals} decimals`;
  return undefined;
}

function tierProblems(tiers: unknown, percentage: boolean): string[] {
  if (!Array.isArray(tiers) || tiers.length === 0) return ['tiers must be a non-empty array'];
  const problems: string[] = [];
  let previous: Decimal = new Money(0);
  tiers.forEach((tier: unknown, i) => {
    const at = `tiers[${i}]`;
    if (typeof tier !== 'object' || tier === null) {
      problems.push(`${at} must be an object`);
      return;
    }
    const { upTo, unitPrice, rate, flatFee } = tier as Record<string, unknown>;
    const last = i === tiers.length - 1;
    if (upTo === null) {
      if (!last) problems.push(`${at}.upTo may be null only on the last tier`);
    } else {
      const problem = decimalProblem(upTo, `${at}.upTo`, QUANTITY_DECIMALS);
      if (problem) problems.push(problem);
      else {
        const bound = new Money(upTo as string);
        if (!bound.gt(previous)) problems.push(`${at}.upTo must be greater than ${i === 0 ? '0' : `tiers[${i - 1}].upTo`}`);
        previous = bound;
      }
      if (last) problems.push(`${at}.upTo must be null: the last tier has no upper bound`);
    }
    if (percentage) {
      const problem = decimalProblem(rate, `${at}.rate`, UNIT_PRICE_DECIMALS);
      if (problem) problems.push(problem);
      else if (new Money(rate as string).gt(100)) problems.push(`${at}.rate must be at most 100 (percent)`);
    } else {
      const problem = decimalProblem(unitPrice, `${at}.unitPrice`, UNIT_PRICE_DECIMALS);
      if (problem) problems.push(problem);
    }
    const fee = decimalProblem(flatFee, `${at}.flatFee`, UNIT_PRICE_DECIMALS);
    if (fee) problems.push(fee);
  });
  return problems;
}

/**
 * Checks a charge model (as read from JSON: prices are decimal strings, never numbers) and
 * returns a copy holding only the model's fields.
 * Rules: a known `model`; prices, fees and rates ≥ 0 with at most {@link UNIT_PRICE_DECIMALS}
 * decimals; rates ≤ 100; tiers non-empty, each `upTo` greater than the previous one (so tiers are
 * contiguous and increasing), only the last `upTo` null and it must be; `packageSize` a positive integer.
 * @throws DictaMeshError `PRICING_INVALID` listing every problem found in `details.problems`
 */
export function validateChargeModel(model: unknown): ChargeModel {
  const fail = (problems: string[]) =>
    err('PRICING_INVALID', `The charge model is invalid: ${problems.join('; ')}.`, { field: 'pricing', problems });
  if (typeof model !== 'object' || model === null) throw fail(['the charge model must be an object']);
  const m = model as Record<string, unknown>;
  const kind = m.model;
  if (typeof kind !== 'string' || !(MODELS as readonly string[]).includes(kind)) throw fail([`model must be one of ${MODELS.join(', ')}`]);
  const problems: string[] = [];
  const price = (field: string) => {
    const problem = decimalProblem(m[field], field, UNIT_PRICE_DECIMALS);
    if (problem) problems.push(problem);
  };
  switch (kind as ChargeModel['model']) {
    case 'standard':
      price('unitPrice');
      break;
    case 'graduated':
    case 'volume':
      problems.push(...tierProblems(m.tiers, false));
      break;
    case 'graduated_percentage':
      problems.push(...tierProblems(m.tiers, true));
      break;
    case 'package':
      if (typeof m.packageSize !== 'number' || !Number.isSafeInteger(m.packageSize) || m.packageSize <= 0)
        problems.push('packageSize must be a positive integer');
      price('packagePrice');
      break;
    case 'flat_fee':
      price('amount');
      break;
  }
  if (problems.length > 0) throw fail(problems);
  const tiers = m.tiers as Record<string, unknown>[];
  switch (kind as ChargeModel['model']) {
    case 'standard':
      return { model: 'standard', unitPrice: m.unitPrice as string };
    case 'graduated':
    case 'volume':
      return {
        model: kind as 'graduated' | 'volume',
        tiers: tiers.map((t) => ({ upTo: t.upTo as string | null, unitPrice: t.unitPrice as string, flatFee: t.flatFee as string })),
      };
    case 'graduated_percentage':
      return {
        model: 'graduated_percentage',
        tiers: tiers.map((t) => ({ upTo: t.upTo as string | null, rate: t.rate as string, flatFee: t.flatFee as string })),
      };
    case 'package':
      return { model: 'package', packageSize: m.packageSize as number, packagePrice: m.packagePrice as string };
    case 'flat_fee':
      return { model: 'flat_fee', amount: m.amount as string };
  }
}

/** A tier in prices per unit, whatever the model. */
interface UnitTier {
  upTo: MoneyDecimal | null;
  unitPrice: MoneyDecimal;
  flatFee: MoneyDecimal;
}

const str = (d: Decimal) => d.toFixed();

function unitTiers(model: ChargeModel): UnitTier[] {
  if (model.model === 'graduated' || model.model === 'volume')
    return model.tiers.map((t) => ({
      upTo: t.upTo === null ? null : new Money(t.upTo),
      unitPrice: new Money(t.unitPrice),
      flatFee: new Money(t.flatFee),
    }));
  if (model.model === 'graduated_percentage')
    return model.tiers.map((t) => ({
      upTo: t.upTo === null ? null : new Money(t.upTo),
      unitPrice: new Money(t.rate).div(100),
      flatFee: new Money(t.flatFee),
    }));
  return [];
}

/** A tier's breakdown with its exact amount. */
type PricedTier = TierBreakdown & { exact: MoneyDecimal };

function breakdown(from: Decimal, tier: UnitTier, units: Decimal): PricedTier {
  const exact = units.mul(tier.unitPrice).add(tier.flatFee) as MoneyDecimal;
  return {
    from: str(from),
    to: tier.upTo === null ? null : str(tier.upTo),
    units: str(units),
    unitPrice: str(tier.unitPrice),
    flatFee: str(tier.flatFee),
    amount: str(exact),
    exact,
  };
}

/** Graduated: the units of each tier at its price; every tier entered (the first always) adds its flat fee. */
function graduated(tiers: UnitTier[], quantity: MoneyDecimal): PricedTier[] {
  const lines: PricedTier[] = [];
  let from: MoneyDecimal = new Money(0);
  for (const [i, tier] of tiers.entries()) {
    if (i > 0 && !quantity.gt(from)) break;
    const top = tier.upTo === null ? quantity : Money.min(quantity, tier.upTo);
    lines.push(breakdown(from, tier, top.sub(from)));
    if (tier.upTo === null) break;
    from = tier.upTo;
  }
  return lines;
}

/** Volume: the whole quantity at the tier it falls in (the first tier whose `upTo` is ≥ quantity). */
function volume(tiers: UnitTier[], quantity: MoneyDecimal): PricedTier[] {
  let from: MoneyDecimal = new Money(0);
  for (const tier of tiers) {
    if (tier.upTo === null || quantity.lte(tier.upTo)) return [breakdown(from, tier, quantity)];
    from = tier.upTo;
  }
  throw err('PRICING_INVALID', 'The last tier must have no upper bound.', { field: 'pricing' });
}

/**
 * Prices one charge over the quantity measured for a period: deducts `includedUnits`, applies the
 * charge model (see {@link ChargeModel}) in exact decimal arithmetic, and rounds the total once,
 * half-even, to the currency's minor units.
 * @param quantity units measured (decimals allowed: storage GB); for `graduated_percentage`, the
 *   summed amount in currency units; ignored by `flat_fee`
 * @throws DictaMeshError `QUANTITY_INVALID` when the quantity is negative or not a decimal number
 * @throws DictaMeshError `PRICING_INVALID` when the charge model or `includedUnits` is invalid ({@link validateChargeModel})
 */
export function priceCharge(charge: Charge, quantity: Decimal.Value, currency: Currency): ChargeResult {
  const model = validateChargeModel(charge.pricing);
  const measured = parseDecimal(quantity, 'quantity');
  if (model.model === 'flat_fee') {
    const amount = new Money(model.amount);
    return {
      chargeId: charge.id,
      quantity: '1',
      billableQuantity: '1',
      amount,
      amountMinor: toMinor(amount, currency),
      unitPrice: str(amount),
      tiers: [],
    };
  }
  let included: MoneyDecimal = new Money(0);
  if (charge.includedUnits !== undefined) {
    const problem = decimalProblem(charge.includedUnits, 'includedUnits', QUANTITY_DECIMALS);
    if (problem) throw err('PRICING_INVALID', `The charge is invalid: ${problem}.`, { field: 'includedUnits', problems: [problem] });
    included = new Money(charge.includedUnits);
  }
  const billable = Money.max(measured.sub(included), 0);
  let amount: MoneyDecimal;
  let tiers: TierBreakdown[] = [];
  let unitPrice: string | undefined;
  let priceAtZero: Decimal;
  switch (model.model) {
    case 'standard':
      amount = billable.mul(model.unitPrice);
      unitPrice = str(new Money(model.unitPrice));
      priceAtZero = new Money(model.unitPrice);
      break;
    case 'package': {
      const packages = billable.div(model.packageSize).ceil();
      amount = packages.mul(model.packagePrice);
      priceAtZero = new Money(model.packagePrice).div(model.packageSize);
      break;
    }
    case 'graduated':
    case 'volume':
    case 'graduated_percentage': {
      const unit = unitTiers(model);
      const lines = model.model === 'volume' ? volume(unit, billable) : graduated(unit, billable);
      amount = lines.reduce((sum, line) => sum.add(line.exact), new Money(0));
      tiers = lines.map(({ exact: _exact, ...line }) => line);
      priceAtZero = unit[0]!.unitPrice;
      break;
    }
  }
  unitPrice ??= str((billable.isZero() ? priceAtZero : amount.div(billable)).toDecimalPlaces(UNIT_PRICE_DECIMALS, Decimal.ROUND_HALF_EVEN));
  return {
    chargeId: charge.id,
    quantity: str(measured),
    billableQuantity: str(billable),
    amount,
    amountMinor: toMinor(amount, currency),
    unitPrice,
    tiers,
  };
}
