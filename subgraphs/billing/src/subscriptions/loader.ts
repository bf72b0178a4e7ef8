import DataLoader from 'dataloader';
import { defineLoader } from '@dictamesh/subgraph-kit';
import type { BillingContext } from '../context';
import type { SubscriptionRecord } from '../graphql/records';
import { LIVE_STATUSES, SUBSCRIPTION_INCLUDE } from './subscriptions';

/**
 * The live subscription (with its plan) of organisations, per request: `Organization.subscription`,
 * `plan` and `usage` of one or many organisations read it with one query.
 */
export const liveSubscriptionLoader = defineLoader(
  'liveSubscription',
  (ctx: BillingContext) =>
    new DataLoader<string, SubscriptionRecord | null>(async (orgIds) => {
      const rows = await ctx.prisma.billingSubscription.findMany({
        where: { orgId: { in: [...orgIds] }, status: { in: [...LIVE_STATUSES] } },
        include: SUBSCRIPTION_INCLUDE,
      });
      const byOrg = new Map(rows.map((row) => [row.orgId, row]));
      return orgIds.map((orgId) => byOrg.get(orgId) ?? null);
    }),
);
