import type { MutationResolvers, QueryResolvers, TaxRateResolvers } from '../__generated__/resolvers-types';
import { targetOrg } from '../graphql/access';
import type { PlanChangePreviewRecord } from '../graphql/records';
import { closeDuePeriods } from '../invoices/scheduler';
import {
  applyPlanChange,
  cancelSubscription,
  planChange,
  SUBSCRIPTION_INCLUDE,
  subscribe,
  type PlanChangePlan,
} from '../subscriptions/subscriptions';
import { money } from './money';

/** The GraphQL shape of a worked-out plan change. */
function preview(change: PlanChangePlan): PlanChangePreviewRecord {
  const currency = change.toPlan.currency;
  return {
    fromPlan: change.subscription.plan,
    toPlan: change.toPlan,
    at: change.at,
    periodEnd: change.subscription.currentPeriodEnd,
    lines: change.lines.map((line) => ({ kind: line.kind, description: line.description, amount: money(line.amountMinor, currency) })),
    net: money(change.netMinor, currency),
  };
}

export const subscriptionQueries: Pick<QueryResolvers, 'planChangePreview'> = {
  planChangePreview: async (_, { planCode, orgId }, ctx) =>
    preview(await planChange(ctx.prisma, { orgId: targetOrg(ctx, orgId), planCode, now: ctx.now() })),
};

export const subscriptionMutations: Pick<MutationResolvers, 'subscribe' | 'changePlan' | 'cancelSubscription'> = {
  subscribe: (_, { planCode, orgId }, ctx) => subscribe(ctx.prisma, { orgId: targetOrg(ctx, orgId), planCode, now: ctx.now() }),
  changePlan: async (_, { planCode, confirm, orgId }, ctx) => {
    const change = await planChange(ctx.prisma, { orgId: targetOrg(ctx, orgId), planCode, now: ctx.now() });
    if (!confirm) return { applied: false, preview: preview(change), subscription: change.subscription };
    return { applied: true, preview: preview(change), subscription: await applyPlanChange(ctx.prisma, change) };
  },
  cancelSubscription: async (_, { atPeriodEnd, orgId }, ctx) => {
    const now = ctx.now();
    const subscription = await cancelSubscription(ctx.prisma, { orgId: targetOrg(ctx, orgId), atPeriodEnd, now });
    if (atPeriodEnd || subscription.status === 'CANCELLED') return subscription;
    // cancelled now: the period so far is invoiced and the subscription cancelled at once
    await closeDuePeriods(ctx.prisma, { now, usage: ctx.usage, log: ctx.log, subscriptionIds: [subscription.id] });
    ctx.publishEvents();
    return ctx.prisma.billingSubscription.findUniqueOrThrow({ where: { id: subscription.id }, include: SUBSCRIPTION_INCLUDE });
  },
};

export const TaxRate: TaxRateResolvers = {
  ratePercent: (rate) => rate.ratePercent.toString(),
};
