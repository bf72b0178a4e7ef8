import type { Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import type { NotificationsContext } from '../context';
import { callerOrg } from '../graphql/access';
import { after, connectionFields, NEWEST_FIRST, pageOf, pageSize } from '../graphql/keyset';
import { isUuid } from '../send/plan';

/** Most deliveries in one page of `notificationDeliveries`. */
export const MAX_DELIVERY_PAGE = 200;

/** States a delivery is retried from. */
const RETRYABLE = ['FAILED', 'BOUNCED'] as const;

/**
 * Queues a FAILED or BOUNCED delivery of `orgId` again: QUEUED, `attemptCount` 0 (its attempts
 * stay in the history), `nextAttemptAt` now (the job's `startAfter`), its notification QUEUED again when it was FAILED or
 * BOUNCED, a job queued in the same transaction; the worker is woken after the commit.
 * @throws DictaMeshError `NOTIFICATION_DELIVERY_UNKNOWN` (not one of the organisation's),
 *   `NOTIFICATION_DELIVERY_STATE_INVALID` ({ status }: not FAILED nor BOUNCED)
 */
export async function retryDelivery(ctx: NotificationsContext, orgId: string, id: string) {
  if (!isUuid(id)) throw err('NOTIFICATION_DELIVERY_UNKNOWN', undefined, { id });
  const now = ctx.now();
  const delivery = await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.notificationDelivery.updateMany({
      where: { id, orgId, status: { in: [...RETRYABLE] } },
      data: { status: 'QUEUED', attemptCount: 0, nextAttemptAt: now },
    });
    const row = await tx.notificationDelivery.findFirst({ where: { id, orgId } });
    if (!row) throw err('NOTIFICATION_DELIVERY_UNKNOWN', undefined, { id });
    if (count === 0) throw err('NOTIFICATION_DELIVERY_STATE_INVALID', undefined, { id, status: row.status });
    await tx.notification.updateMany({ where: { id: row.notificationId, status: { in: [...RETRYABLE] } }, data: { status: 'QUEUED' } });
    await ctx.queue.enqueueDelivery(tx, id, now);
    return row;
  });
  ctx.queue.wake();
  return delivery;
}

/**
 * Administration of the organisation's deliveries (`notifications:admin`): the list (filters,
 * newest first, keyset pages), one delivery with its attempts, and retrying a dead one. Another
 * organisation's deliveries are never seen (unknown / null).
 */
export const deliveriesResolvers: Resolvers = {
  Query: {
    notificationDeliveries: async (_parent, { filter, first, after: cursor }, ctx) => {
      const orgId = callerOrg(ctx, 'admin');
      const size = pageSize(first, MAX_DELIVERY_PAGE);
      const ids = [filter?.notificationId, filter?.endpointId].filter((id): id is string => typeof id === 'string');
      if (ids.some((id) => !isUuid(id))) return { rows: [], cursors: [], hasNextPage: false };
      const where: Prisma.NotificationDeliveryWhereInput = {
        AND: [
          { orgId },
          filter?.status ? { status: { in: filter.status } } : {},
          filter?.channel ? { channel: filter.channel } : {},
          filter?.notificationId ? { notificationId: filter.notificationId } : {},
          filter?.endpointId ? { endpointId: filter.endpointId } : {},
          after(cursor),
        ],
      };
      const rows = await ctx.prisma.notificationDelivery.findMany({ where, orderBy: NEWEST_FIRST, take: size + 1 });
      return pageOf(rows, size);
    },
    notificationDelivery: async (_parent, { id }, ctx) => {
      const orgId = callerOrg(ctx, 'admin');
      if (!isUuid(id)) return null;
      return ctx.prisma.notificationDelivery.findFirst({ where: { id, orgId } });
    },
  },
  Mutation: {
    retryNotificationDelivery: (_parent, { id }, ctx) => retryDelivery(ctx, callerOrg(ctx, 'admin'), id),
  },
  NotificationDeliveryConnection: connectionFields,
  NotificationDelivery: {
    attempts: (delivery, _args, ctx) =>
      ctx.prisma.notificationDeliveryAttempt.findMany({
        where: { deliveryId: delivery.id },
        orderBy: { attempt: 'asc' },
      }),
  },
};
