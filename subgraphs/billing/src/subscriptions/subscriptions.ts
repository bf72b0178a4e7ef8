import type { PrismaClient } from '@dictamesh/db';
import { Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { currency as isoCurrency } from '../money';
import { requireOrganization } from '../organizations/organizations';
import { PLAN_INCLUDE, requirePlan } from '../plans/plans';
import { prorateChange, type ProrationLine } from '../pricing';
import { periodAt } from './periods';

/** Includes that make a subscription row a `SubscriptionRecord`. */
export const SUBSCRIPTION_INCLUDE = { plan: { include: PLAN_INCLUDE } } as const satisfies Prisma.BillingSubscriptionInclude;

/** Statuses of a live subscription (at most one per organisation). */
export const LIVE_STATUSES = ['TRIALING', 'ACTIVE', 'PAST_DUE'] as const;

const DAY_MS = 86_400_000;

/** The organisation's subscription that is not cancelled, with its plan; null without one. */
export function liveSubscription(prisma: Pick<PrismaClient, 'billingSubscription'>, orgId: string) {
  return prisma.billingSubscription.findFirst({
    where: { orgId, status: { in: [...LIVE_STATUSES] } },
    include: SUBSCRIPTION_INCLUDE,
  });
}

/**
 * Subscribes an organisation to a plan, anchored at `now`: periods of the plan's interval
 * start now; with trial days the subscription is TRIALING until `now + trialDays`.
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN`, `PLAN_UNKNOWN`, `CURRENCY_MISMATCH` (plan and
 *   organisation currencies differ), `SUBSCRIPTION_STATE_INVALID` (the organisation is not
 *   active, or has a live subscription — also when another request subscribed it meanwhile)
 */
export async function subscribe(prisma: PrismaClient, input: { orgId: string; planCode: string; now: Date }) {
  const org = await requireOrganization(prisma, input.orgId);
  if (org.status !== 'ACTIVE')
    throw err('SUBSCRIPTION_STATE_INVALID', `The organisation is ${org.status.toLowerCase()}.`, { orgStatus: org.status });
  const plan = await requirePlan(prisma, input.planCode);
  if (plan.currency !== org.currency)
    throw err('CURRENCY_MISMATCH', `The plan is in ${plan.currency}, the organisation is billed in ${org.currency}.`, {
      planCurrency: plan.currency,
      orgCurrency: org.currency,
    });
  const existing = await liveSubscription(prisma, org.id);
  if (existing)
    throw err('SUBSCRIPTION_STATE_INVALID', 'The organisation has a live subscription; change its plan instead.', {
      subscriptionId: existing.id,
      status: existing.status,
    });
  const period = periodAt(input.now, plan.interval, input.now);
  const trialEndsAt = plan.trialDays > 0 ? new Date(input.now.getTime() + plan.trialDays * DAY_MS) : null;
  try {
    return await prisma.billingSubscription.create({
      data: {
        orgId: org.id,
        planId: plan.id,
        periodPlanId: plan.id,
        status: trialEndsAt ? 'TRIALING' : 'ACTIVE',
        anchorAt: input.now,
        currentPeriodStart: period.start,
        currentPeriodEnd: period.end,
        trialEndsAt,
      },
      include: SUBSCRIPTION_INCLUDE,
    });
  } catch (error) {
    // the partial unique index: one live subscription per organisation
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw err('SUBSCRIPTION_STATE_INVALID', 'The organisation has a live subscription; change its plan instead.');
    throw error;
  }
}

/** A plan change worked out: the proration lines and their net, in the plan currency's minor units. */
export interface PlanChangePlan {
  subscription: NonNullable<Awaited<ReturnType<typeof liveSubscription>>>;
  toPlan: Awaited<ReturnType<typeof requirePlan>>;
  lines: ProrationLine[];
  netMinor: bigint;
  at: Date;
}

/**
 * Works out a plan change at `now` without writing: proration to the second of the fixed fees
 * (credit for the unused part of the old one, charge for the rest of the new one). A trialing
 * subscription has no fixed fee to prorate.
 * @throws DictaMeshError `SUBSCRIPTION_STATE_INVALID` (no live subscription — e.g. cancelled —,
 *   the same plan, or another interval: change intervals by cancelling at period end and
 *   subscribing), `PLAN_UNKNOWN`, `CURRENCY_MISMATCH`
 */
export async function planChange(prisma: PrismaClient, input: { orgId: string; planCode: string; now: Date }): Promise<PlanChangePlan> {
  const subscription = await liveSubscription(prisma, input.orgId);
  if (!subscription) throw err('SUBSCRIPTION_STATE_INVALID', 'The organisation has no live subscription (cancelled or never subscribed).');
  const toPlan = await requirePlan(prisma, input.planCode);
  if (toPlan.id === subscription.planId) throw err('SUBSCRIPTION_STATE_INVALID', 'The subscription is on this plan already.');
  if (toPlan.currency !== subscription.plan.currency)
    throw err('CURRENCY_MISMATCH', `The plan is in ${toPlan.currency}, the subscription in ${subscription.plan.currency}.`);
  if (toPlan.interval !== subscription.plan.interval)
    throw err('SUBSCRIPTION_STATE_INVALID', 'A plan change keeps the billing interval; cancel at period end and subscribe to change it.');
  if (subscription.status === 'TRIALING') return { subscription, toPlan, lines: [], netMinor: 0n, at: input.now };
  const { lines, netMinor } = prorateChange({
    oldFixedAmount: subscription.plan.fixedAmount.toString(),
    newFixedAmount: toPlan.fixedAmount.toString(),
    periodStart: subscription.currentPeriodStart,
    periodEnd: subscription.currentPeriodEnd,
    at: input.now,
    currency: isoCurrency(toPlan.currency),
    oldName: subscription.plan.name,
    newName: toPlan.name,
  });
  return { subscription, toPlan, lines, netMinor, at: input.now };
}

/**
 * Applies a plan change worked out by {@link planChange}: the subscription moves to the new plan
 * and the proration lines wait as pending items for its next invoice, in one transaction that
 * fails when the subscription changed meanwhile.
 * @throws DictaMeshError `SUBSCRIPTION_STATE_INVALID` when another change came first
 */
export async function applyPlanChange(prisma: PrismaClient, change: PlanChangePlan) {
  const { subscription, toPlan } = change;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.billingSubscription.updateMany({
      where: { id: subscription.id, planId: subscription.planId, status: { in: [...LIVE_STATUSES] } },
      data: { planId: toPlan.id },
    });
    if (count === 0) throw err('SUBSCRIPTION_STATE_INVALID', 'The subscription changed meanwhile; preview the change again.');
    if (change.lines.length > 0)
      await tx.billingPendingItem.createMany({
        // one millisecond apart: the next invoice lists them in this order (credit, then charge)
        data: change.lines.map((line, i) => ({
          orgId: subscription.orgId,
          subscriptionId: subscription.id,
          kind: line.kind,
          description: line.description,
          currency: toPlan.currency,
          amountMinor: line.amountMinor,
          createdAt: new Date(change.at.getTime() + i),
        })),
      });
    return tx.billingSubscription.findUniqueOrThrow({ where: { id: subscription.id }, include: SUBSCRIPTION_INCLUDE });
  });
}

/**
 * Cancels the live subscription. At the period end (default): it stays live and the scheduler
 * invoices the period, then cancels it. Now: the current period ends now — the returned
 * subscription is due, and the caller closes it (`closeDuePeriods` for this subscription:
 * the invoice of the period so far, then CANCELLED with `cancelledAt` now), so no usage goes
 * unbilled. A subscription cancelled at the instant its period started is cancelled at once.
 * @throws DictaMeshError `SUBSCRIPTION_STATE_INVALID` without a live subscription
 */
export async function cancelSubscription(prisma: PrismaClient, input: { orgId: string; atPeriodEnd: boolean; now: Date }) {
  const subscription = await liveSubscription(prisma, input.orgId);
  if (!subscription) throw err('SUBSCRIPTION_STATE_INVALID', 'The organisation has no live subscription.');
  const data: Prisma.BillingSubscriptionUpdateInput = input.atPeriodEnd
    ? { cancelAtPeriodEnd: true }
    : subscription.currentPeriodStart < input.now && subscription.status !== 'TRIALING'
      ? { cancelAtPeriodEnd: true, currentPeriodEnd: input.now }
      : { status: 'CANCELLED', cancelledAt: input.now };
  return prisma.billingSubscription.update({ where: { id: subscription.id }, data, include: SUBSCRIPTION_INCLUDE });
}
