import type { Prisma, PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { currency as isoCurrency, parseDecimal, UNIT_PRICE_DECIMALS } from '../money';
import { validateChargeModel } from '../pricing';

/** Includes that make a plan row a `PlanRecord`. */
export const PLAN_INCLUDE = {
  charges: { include: { metric: true }, orderBy: { position: 'asc' } },
} as const satisfies Prisma.BillingPlanInclude;

/** A plan code: lower-case letters, digits, dashes and dots (1–64). */
const PLAN_CODE = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/** A new plan (prices in currency units, up to 5 decimals). */
export interface NewPlan {
  code: string;
  name: string;
  description?: string | null;
  currency: string;
  interval: 'MONTHLY' | 'YEARLY';
  fixedAmount: string;
  minimumCommitment?: string | null;
  trialDays?: number | null;
  paymentTermDays?: number | null;
  charges: { metricCode: string; description: string; pricing: unknown; includedUnits?: string | null }[];
}

/**
 * Creates a plan with its charges, every part checked first: nothing is written when one is wrong.
 * @throws DictaMeshError `BAD_USER_INPUT` (code, name, days, duplicate code), `CURRENCY_UNKNOWN`,
 *   `QUANTITY_INVALID` (a negative amount or one with more than 5 decimals), `PRICING_INVALID`
 *   (every problem of a charge model in `details.problems`), `METRIC_UNKNOWN`
 */
export async function createPlan(prisma: PrismaClient, input: NewPlan) {
  if (!PLAN_CODE.test(input.code))
    throw err('BAD_USER_INPUT', 'A plan code has lower-case letters, digits, dots and dashes (1–64).', { field: 'code' });
  if (!input.name.trim()) throw err('BAD_USER_INPUT', 'A plan needs a name.', { field: 'name' });
  const code = isoCurrency(input.currency).code;
  const fixed = parseDecimal(input.fixedAmount, 'fixedAmount', UNIT_PRICE_DECIMALS);
  const minimum = input.minimumCommitment ? parseDecimal(input.minimumCommitment, 'minimumCommitment', UNIT_PRICE_DECIMALS) : null;
  for (const [field, days] of [
    ['trialDays', input.trialDays ?? 0],
    ['paymentTermDays', input.paymentTermDays ?? 30],
  ] as const)
    if (!Number.isInteger(days) || days < 0 || days > 3650) throw err('BAD_USER_INPUT', `${field} must be 0 to 3650 days.`, { field });
  const charges = input.charges.map((charge, position) => ({
    metricCode: charge.metricCode,
    description: charge.description.trim() || charge.metricCode,
    pricing: validateChargeModel(charge.pricing) as Prisma.InputJsonValue,
    includedUnits: charge.includedUnits ? parseDecimal(charge.includedUnits, `charges[${position}].includedUnits`, 10).toString() : null,
    position,
  }));
  const known = new Set((await prisma.billableMetric.findMany({ select: { code: true } })).map((m) => m.code));
  const unknown = charges.filter((c) => !known.has(c.metricCode)).map((c) => c.metricCode);
  if (unknown.length > 0)
    throw err('METRIC_UNKNOWN', `No billable metric has the code ${unknown.join(', ')}; known: ${[...known].sort().join(', ')}.`, {
      metricCodes: unknown,
    });
  if (await prisma.billingPlan.findUnique({ where: { code: input.code }, select: { id: true } }))
    throw err('BAD_USER_INPUT', `A plan with the code "${input.code}" exists already.`, { field: 'code' });
  return prisma.billingPlan.create({
    data: {
      code: input.code,
      name: input.name.trim(),
      description: input.description ?? null,
      currency: code,
      interval: input.interval,
      fixedAmount: fixed.toString(),
      minimumCommitment: minimum?.toString() ?? null,
      trialDays: input.trialDays ?? 0,
      paymentTermDays: input.paymentTermDays ?? 30,
      charges: { create: charges },
    },
    include: PLAN_INCLUDE,
  });
}

/**
 * An active plan by code.
 * @throws DictaMeshError `PLAN_UNKNOWN` (also for an inactive plan)
 */
export async function requirePlan(prisma: Pick<PrismaClient, 'billingPlan'>, code: string) {
  const plan = await prisma.billingPlan.findUnique({ where: { code }, include: PLAN_INCLUDE });
  if (!plan || !plan.active) throw err('PLAN_UNKNOWN', `No active billing plan has the code "${code}".`, { planCode: code });
  return plan;
}
