import { DictaMeshError, err } from '@dictamesh/runtime';
import { currency } from '../money';
import { type Charge, type PricedPlan, validateChargeModel } from '../pricing';

/** A Prisma `Decimal` (or anything printing itself as a plain decimal string). */
export interface DecimalLike {
  toFixed(): string;
}

/** The columns of a `BillingCharge` row this mapping reads. */
export interface ChargeRow {
  id: string;
  metricCode: string;
  description: string;
  /** The `pricing` JSON column: a `ChargeModel`, validated here. */
  pricing: unknown;
  includedUnits: DecimalLike | null;
  position: number;
}

/** The columns of a `BillingPlan` row (with its charges) this mapping reads. */
export interface PlanRow {
  name: string;
  /** ISO 4217 code. */
  currency: string;
  fixedAmount: DecimalLike;
  minimumCommitment: DecimalLike | null;
  charges: ChargeRow[];
}

/**
 * Maps a plan and its charges, as Prisma returns them, to the pricing engine's {@link PricedPlan}:
 * Decimal columns become plain decimal strings (`toFixed()`, never exponent notation), the
 * `pricing` JSON is checked with `validateChargeModel`, charges are ordered by `position`, and the
 * plan's name labels the fixed line.
 * @throws DictaMeshError `PRICING_INVALID` when a charge's `pricing` is not a valid charge model (details name the charge)
 * @throws DictaMeshError `CURRENCY_UNKNOWN` when the plan's currency is not an ISO 4217 code
 */
export function toPricedPlan(plan: PlanRow): PricedPlan {
  const charges: Charge[] = [...plan.charges]
    .sort((a, b) => a.position - b.position)
    .map((row) => {
      let pricing: Charge['pricing'];
      try {
        pricing = validateChargeModel(row.pricing);
      } catch (error) {
        if (error instanceof DictaMeshError)
          throw err(error.code, `Charge ${row.id} (${row.description}): ${error.message}`, { ...error.details, chargeId: row.id });
        throw error;
      }
      return {
        id: row.id,
        metricCode: row.metricCode,
        description: row.description,
        pricing,
        ...(row.includedUnits === null ? {} : { includedUnits: row.includedUnits.toFixed() }),
      };
    });
  return {
    currency: currency(plan.currency),
    name: plan.name,
    fixedAmount: plan.fixedAmount.toFixed(),
    charges,
    ...(plan.minimumCommitment === null ? {} : { minimumCommitment: plan.minimumCommitment.toFixed() }),
  };
}

/** The billable metric codes a plan charges, in charge order, without repeats. */
export function planMetricCodes(plan: PricedPlan): string[] {
  return [...new Set(plan.charges.flatMap((c) => (c.metricCode === null ? [] : [c.metricCode])))];
}
