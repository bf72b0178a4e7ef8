import type { PrismaClient } from '@dictamesh/db';
import { createDraftInvoice, type UsageSource } from './generate';

/**
 * A draft invoice made now, on request, for what is pending (the proration of plan changes,
 * adjustments) — over the live subscription's current period so far, or the last day without a
 * subscription. The plan's fixed fee and usage are not on it: the period-close invoice bills
 * them once.
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN`, `SUBSCRIPTION_STATE_INVALID` (nothing pending)
 */
export function createOnDemandInvoice(prisma: PrismaClient, input: { orgId: string; now: Date; usage: UsageSource }) {
  return prisma.$transaction(async (tx) => {
    const live = await tx.billingSubscription.findFirst({
      where: { orgId: input.orgId, status: { not: 'CANCELLED' } },
      select: { currentPeriodStart: true },
    });
    const start = live && live.currentPeriodStart < input.now ? live.currentPeriodStart : new Date(input.now.getTime() - 86_400_000);
    return createDraftInvoice(tx, {
      orgId: input.orgId,
      period: { start, end: input.now },
      reason: 'on_demand',
      pendingOnly: true,
      now: input.now,
      usage: input.usage,
    });
  });
}
