import type { Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { callerOrg } from '../graphql/access';
import { after, connectionFields, NEWEST_FIRST, pageOf, pageSize } from '../graphql/keyset';
import { isUuid } from '../send/plan';
import { callerSubscriber } from '../subscribers/subscribers';

/** Most notifications in one page of `myNotifications`. */
export const MAX_INBOX_PAGE = 100;

/** Most ids one `markNotificationsRead` takes. */
export const MAX_MARK_IDS = 500;

/**
 * The in-app inbox of a subscriber: its notifications that have an IN_APP delivery not
 * SUPPRESSED (a muted IN_APP, or a notification sent on other channels only, is not in it).
 */
export function inboxWhere(orgId: string, subscriberId: string): Prisma.NotificationWhereInput {
  return { orgId, subscriberId, deliveries: { some: { channel: 'IN_APP', status: { not: 'SUPPRESSED' } } } };
}

/**
 * The caller's in-app inbox: `myNotifications` (newest first, keyset-paginated on (createdAt,
 * id) with opaque cursors, filters, unread count), `myNotification`, marking read/unread, and the
 * `Notification` fields. The caller is the subscriber of its principal subject in its
 * organisation: another subscriber's or organisation's notifications are never seen nor changed.
 */
export const inboxResolvers: Resolvers = {
  Query: {
    myNotifications: async (_parent, { filter, first, after: cursor }, ctx) => {
      const subscriber = await callerSubscriber(ctx, 'read');
      const size = pageSize(first, MAX_INBOX_PAGE);
      const where: Prisma.NotificationWhereInput = {
        AND: [
          inboxWhere(subscriber.orgId, subscriber.id),
          filter?.unreadOnly ? { readAt: null } : {},
          filter?.types ? { typeKey: { in: filter.types } } : {},
          filter?.since ? { createdAt: { gte: new Date(filter.since) } } : {},
          after(cursor),
        ],
      };
      const rows = await ctx.prisma.notification.findMany({ where, orderBy: NEWEST_FIRST, take: size + 1 });
      return { ...pageOf(rows, size), subscriberId: subscriber.id };
    },
    myNotification: async (_parent, { id }, ctx) => {
      const subscriber = await callerSubscriber(ctx, 'read');
      if (!isUuid(id)) return null;
      return ctx.prisma.notification.findFirst({ where: { id, orgId: subscriber.orgId, subscriberId: subscriber.id } });
    },
  },
  Mutation: {
    markNotificationsRead: async (_parent, { ids, read }, ctx) => {
      const subscriber = await callerSubscriber(ctx, 'write');
      if (ids.length > MAX_MARK_IDS) throw err('BAD_USER_INPUT', `At most ${MAX_MARK_IDS} ids.`, { field: 'ids', limit: MAX_MARK_IDS });
      const toRead = read !== false;
      const { count } = await ctx.prisma.notification.updateMany({
        where: {
          id: { in: ids.filter(isUuid) },
          orgId: subscriber.orgId,
          subscriberId: subscriber.id,
          readAt: toRead ? null : { not: null },
        },
        data: { readAt: toRead ? ctx.now() : null },
      });
      return count;
    },
    markAllNotificationsRead: async (_parent, _args, ctx) => {
      const subscriber = await callerSubscriber(ctx, 'write');
      const { count } = await ctx.prisma.notification.updateMany({
        where: { ...inboxWhere(subscriber.orgId, subscriber.id), readAt: null },
        data: { readAt: ctx.now() },
      });
      return count;
    },
  },
  NotificationConnection: {
    ...connectionFields,
    unreadCount: (page, _args, ctx) =>
      ctx.prisma.notification.count({ where: { ...inboxWhere(callerOrg(ctx, 'read'), page.subscriberId), readAt: null } }),
  },
  Notification: {
    type: (notification) => notification.typeKey,
    read: (notification) => notification.readAt !== null,
    deliveries: (notification, _args, ctx) =>
      ctx.prisma.notificationDelivery.findMany({
        where: { notificationId: notification.id, orgId: notification.orgId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
  },
};
