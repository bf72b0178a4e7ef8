import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { callerOrg } from '../graphql/access';
import { localeAndZoneProblems, readSettings, updateSettings } from '../preferences/settings';
import { addAddresses, validateAddresses } from '../subscribers/addresses';
import { isUuid, listSubscribers } from '../subscribers/list';
import { callerSubscriber } from '../subscribers/subscribers';

/** Longest subscriber external id and name, characters. */
const MAX_EXTERNAL_ID = 200;

/**
 * The caller's settings (the caller is the subscriber standing for its principal subject in its
 * organisation, created on first use): `myNotificationSettings`, `updateNotificationSettings`,
 * `addNotificationAddress` / `removeNotificationAddress`; and the administrator's
 * `upsertNotificationSubscriber` / `notificationSubscribers` (own organisation only).
 */
export const settingsResolvers: Resolvers = {
  Query: {
    myNotificationSettings: async (_parent, _args, ctx) => readSettings(ctx.prisma, await callerSubscriber(ctx, 'read')),
    notificationSubscribers: (_parent, args, ctx) =>
      listSubscribers(ctx.prisma, callerOrg(ctx, 'admin'), { first: args.first ?? 50, after: args.after ?? null }),
  },
  Mutation: {
    updateNotificationSettings: async (_parent, { input }, ctx) => updateSettings(ctx.prisma, await callerSubscriber(ctx, 'write'), input),
    addNotificationAddress: async (_parent, { input }, ctx) => {
      const subscriber = await callerSubscriber(ctx, 'write');
      const addresses = validateAddresses(ctx.channels, [input]);
      const [row] = await addAddresses(ctx.prisma, subscriber.id, addresses);
      return row!;
    },
    removeNotificationAddress: async (_parent, { id }, ctx) => {
      const subscriber = await callerSubscriber(ctx, 'write');
      if (!isUuid(id)) return false;
      const { count } = await ctx.prisma.notificationSubscriberAddress.deleteMany({ where: { id, subscriberId: subscriber.id } });
      return count > 0;
    },
    upsertNotificationSubscriber: async (_parent, { input }, ctx) => {
      const orgId = callerOrg(ctx, 'admin');
      const problems: string[] = [];
      const externalId = input.externalId.trim();
      if (externalId === '' || externalId.length > MAX_EXTERNAL_ID) problems.push(`externalId must be 1 to ${MAX_EXTERNAL_ID} characters`);
      if (input.name && input.name.length > MAX_EXTERNAL_ID) problems.push(`name is over ${MAX_EXTERNAL_ID} characters`);
      const locale = localeAndZoneProblems(input, problems);
      if (problems.length > 0) throw err('NOTIFICATION_PREFERENCE_INVALID', undefined, { problems });
      const addresses = validateAddresses(ctx.channels, input.addresses ?? []);
      const fields = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(locale ? { locale } : {}),
        ...(input.timezone ? { timezone: input.timezone } : {}),
      };
      return ctx.prisma.$transaction(async (tx) => {
        const subscriber = await tx.notificationSubscriber.upsert({
          where: { orgId_externalId: { orgId, externalId } },
          create: { orgId, externalId, ...fields },
          update: fields,
        });
        await addAddresses(tx, subscriber.id, addresses);
        return subscriber;
      });
    },
  },
  NotificationSubscriber: {
    quietHours: (subscriber) =>
      subscriber.quietHoursStart && subscriber.quietHoursEnd
        ? { start: subscriber.quietHoursStart, end: subscriber.quietHoursEnd, timezone: subscriber.timezone }
        : null,
    addresses: (subscriber, _args, ctx) =>
      ctx.prisma.notificationSubscriberAddress.findMany({
        where: { subscriberId: subscriber.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
  },
  NotificationSubscriberConnection: {
    edges: (page) => page.rows.map((node, i) => ({ cursor: page.cursors[i]!, node })),
    nodes: (page) => page.rows,
    pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null }),
  },
};
