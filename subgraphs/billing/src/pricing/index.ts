/** Pricing: charge models, mid-period proration and invoice arithmetic (pure; no database, no GraphQL). */
export {
  type Tier,
  type PercentageTier,
  type ChargeModel,
  type Charge,
  type TierBreakdown,
  type ChargeResult,
  priceCharge,
  validateChargeModel,
} from './charge-models';
export { type ProrationLine, prorationFraction, prorateChange } from './proration';
export { type DraftLine, type CreditBalance, type TaxRate, type ComputedLine, type ComputedInvoice, computeInvoice } from './invoice-calc';
export { type PricedPlan, priceUsage, minimumCommitmentMinor } from './plan';
