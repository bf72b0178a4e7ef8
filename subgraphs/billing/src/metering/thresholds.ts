import type { Prisma, PrismaClient } from '@dictamesh/db';
import { Money } from '../money';
import { aggregateUsage } from './aggregate';

/** Percentages of a charge's included units that raise an alert. */
export const USAGE_THRESHOLDS = [80, 100] as const;

/** A usage threshold an organisation reached (the `dictamesh.billing.usage.threshold_reached` event). */
export interface UsageThresholdReached {
  orgId: string;
  subscriptionId: string;
  metricCode: string;
  /** Percent of the included units. */
  threshold: (typeof USAGE_THRESHOLDS)[number];
  /** Usage of the period so far (decimal string, the metric's aggregation). */
  usage: string;
  /** Units included in the plan (decimal string). */
  included: string;
  periodStart: Date;
  periodEnd: Date;
}

/**
 * Announces a threshold reached; called inside the transaction that inserted its alert row,
 * with that transaction, so an outbox write made with `tx` commits with it (and a failure
 * rolls the alert back, to be found again by the next check).
 */
export type ThresholdEmitter = (event: UsageThresholdReached, tx: Prisma.TransactionClient) => void | Promise<void>;

/** Options of {@link checkUsageThresholds}. */
export interface CheckThresholdsOptions {
  /** Clock: the current period's usage is aggregated over [period start, min(now, period end)). */
  now: () => Date;
  emit: ThresholdEmitter;
}

const LIVE_STATUSES = ['TRIALING', 'ACTIVE', 'PAST_DUE'] as const;

/**
 * Compares the current-period usage of organisations with a live subscription (trialing,
 * active, past due) to the included units of each charge of its plan (charges without included
 * units, or with 0, have no threshold) and, for every threshold of {@link USAGE_THRESHOLDS} the
 * usage is at or above, inserts a `dictamesh_billing_usage_alerts` row: its key (subscription,
 * period start, metric, threshold) makes each alert once per period, so only alerts inserted
 * now are emitted. Usage going from below 80 % to above 100 % in one step raises both.
 *
 * @param orgIds organisations whose usage changed (others are not looked at)
 * @returns the alerts raised now
 * @throws what `emit` throws; database errors as thrown
 */
export async function checkUsageThresholds(
  prisma: PrismaClient,
  orgIds: readonly string[],
  options: CheckThresholdsOptions,
): Promise<UsageThresholdReached[]> {
  if (orgIds.length === 0) return [];
  const subscriptions = await prisma.billingSubscription.findMany({
    where: { orgId: { in: [...orgIds] }, status: { in: [...LIVE_STATUSES] } },
    select: {
      id: true,
      orgId: true,
      currentPeriodStart: true,
      currentPeriodEnd: true,
      plan: { select: { charges: { where: { includedUnits: { gt: 0 } }, select: { metricCode: true, includedUnits: true } } } },
    },
  });
  const raised: UsageThresholdReached[] = [];
  for (const subscription of subscriptions) {
    // one allowance per metric: the first charge of the plan that includes units of it
    const charges = subscription.plan.charges.filter((c, i, all) => all.findIndex((o) => o.metricCode === c.metricCode) === i);
    if (charges.length === 0) continue;
    const now = options.now();
    const to = now < subscription.currentPeriodEnd ? now : subscription.currentPeriodEnd;
    const usage = await aggregateUsage(prisma, {
      orgId: subscription.orgId,
      metricCodes: [...new Set(charges.map((c) => c.metricCode))],
      from: subscription.currentPeriodStart,
      to,
    });
    const reached: UsageThresholdReached[] = [];
    for (const charge of charges) {
      const included = new Money(charge.includedUnits!.toString());
      const used = new Money(usage[charge.metricCode] ?? '0');
      for (const threshold of USAGE_THRESHOLDS) {
        if (used.mul(100).lt(included.mul(threshold))) continue;
        reached.push({
          orgId: subscription.orgId,
          subscriptionId: subscription.id,
          metricCode: charge.metricCode,
          threshold,
          usage: used.toFixed(),
          included: included.toFixed(),
          periodStart: subscription.currentPeriodStart,
          periodEnd: subscription.currentPeriodEnd,
        });
      }
    }
    if (reached.length === 0) continue;
    const inserted = await prisma.$transaction(async (tx) => {
      const rows = await tx.usageThresholdAlert.createManyAndReturn({
        data: reached.map((r) => ({
          subscriptionId: r.subscriptionId,
          periodStart: r.periodStart,
          metricCode: r.metricCode,
          threshold: r.threshold,
          reachedAt: now,
        })),
        skipDuplicates: true,
        select: { metricCode: true, threshold: true },
      });
      const fresh = reached.filter((r) => rows.some((row) => row.metricCode === r.metricCode && row.threshold === r.threshold));
      for (const event of fresh) await options.emit(event, tx);
      return fresh;
    });
    raised.push(...inserted);
  }
  return raised;
}
