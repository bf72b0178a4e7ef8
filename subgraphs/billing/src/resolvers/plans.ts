import type { ChargeResolvers, MutationResolvers, PlanResolvers, QueryResolvers } from '../__generated__/resolvers-types';
import { PLAN_INCLUDE, createPlan } from '../plans/plans';
import { setTaxRate } from '../plans/tax-rates';
import { currency, toMinor } from '../money';
import { money } from './money';

export const planQueries: Pick<QueryResolvers, 'plans' | 'plan' | 'billableMetrics' | 'taxRates'> = {
  plans: (_, { includeInactive }, ctx) =>
    ctx.prisma.billingPlan.findMany({ where: includeInactive ? {} : { active: true }, include: PLAN_INCLUDE, orderBy: { code: 'asc' } }),
  plan: (_, { code }, ctx) => ctx.prisma.billingPlan.findUnique({ where: { code }, include: PLAN_INCLUDE }),
  billableMetrics: (_, __, ctx) => ctx.prisma.billableMetric.findMany({ orderBy: { code: 'asc' } }),
  taxRates: (_, __, ctx) => ctx.prisma.taxRate.findMany({ orderBy: { jurisdiction: 'asc' } }),
};

export const planMutations: Pick<MutationResolvers, 'createPlan' | 'setTaxRate'> = {
  createPlan: (_, { input }, ctx) =>
    createPlan(ctx.prisma, {
      ...input,
      trialDays: input.trialDays ?? 0,
      paymentTermDays: input.paymentTermDays ?? 30,
      charges: (input.charges ?? []).map((c) => ({ ...c, includedUnits: c.includedUnits ?? null })),
    }),
  setTaxRate: (_, { input }, ctx) => setTaxRate(ctx.prisma, input),
};

export const Plan: PlanResolvers = {
  fixedAmount: (plan) => money(toMinor(plan.fixedAmount.toString(), currency(plan.currency)), plan.currency),
  minimumCommitment: (plan) =>
    plan.minimumCommitment === null ? null : money(toMinor(plan.minimumCommitment.toString(), currency(plan.currency)), plan.currency),
};

export const Charge: ChargeResolvers = {
  includedUnits: (charge) => charge.includedUnits?.toString() ?? null,
};
