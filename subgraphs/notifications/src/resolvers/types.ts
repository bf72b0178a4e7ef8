import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { assertPlatformOperator, callerOrg } from '../graphql/access';
import { MAX_TYPE_KEY, TYPE_KEY, listTypes } from '../types/types';

/** Longest type description, characters. */
const MAX_DESCRIPTION = 1000;

/**
 * Notification types: `notificationTypes` (the organisation's own and the platform's it does not
 * override), `saveNotificationType` (creates or updates the organisation's type, or with
 * `platform: true` the platform's, which needs `dictamesh:platform`).
 */
export const typesResolvers: Resolvers = {
  Query: {
    notificationTypes: (_parent, _args, ctx) => listTypes(ctx.prisma, callerOrg(ctx, 'read')),
  },
  Mutation: {
    saveNotificationType: async (_parent, { input }, ctx) => {
      const org = callerOrg(ctx, 'admin');
      if (input.platform) assertPlatformOperator(ctx);
      const orgId = input.platform ? null : org;
      const problems: string[] = [];
      if (!TYPE_KEY.test(input.key) || input.key.length > MAX_TYPE_KEY)
        problems.push(`key must match [a-z][a-z0-9_.-]* (at most ${MAX_TYPE_KEY} characters)`);
      if ((input.description ?? '').length > MAX_DESCRIPTION) problems.push(`description is over ${MAX_DESCRIPTION} characters`);
      if (new Set(input.defaultChannels).size !== input.defaultChannels.length) problems.push('defaultChannels lists a channel twice');
      if (problems.length > 0) throw err('NOTIFICATION_TYPE_INVALID', undefined, { problems });
      const data = {
        description: input.description ?? '',
        priority: input.priority ?? 'NORMAL',
        critical: input.critical ?? false,
        defaultChannels: input.defaultChannels,
        fallbackChannel: input.fallbackChannel ?? null,
      };
      // (COALESCE(org_id, ''), key) is unique in SQL only: insert-or-skip, then update
      const { count } = await ctx.prisma.notificationType.createMany({ data: [{ orgId, key: input.key, ...data }], skipDuplicates: true });
      if (count === 0) await ctx.prisma.notificationType.updateMany({ where: { orgId, key: input.key }, data });
      return ctx.prisma.notificationType.findFirstOrThrow({ where: { orgId, key: input.key } });
    },
  },
  NotificationType: {
    platform: (type) => type.orgId === null,
  },
};
