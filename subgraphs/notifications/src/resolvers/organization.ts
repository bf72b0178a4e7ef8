import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { callerOrg, isPlatformOperator, type NotificationsAccess } from '../graphql/access';
import type { NotificationsContext } from '../context';

/**
 * Checks the caller may read `orgId`'s notification fields at `access`: its own organisation,
 * or any for the platform operator.
 * @throws DictaMeshError `FORBIDDEN`
 */
function assertOrgAccess(ctx: NotificationsContext, orgId: string, access: NotificationsAccess): void {
  if (isPlatformOperator(ctx)) return;
  if (callerOrg(ctx, access) !== orgId) throw err('FORBIDDEN', 'Another organisation’s notifications are not yours to read.');
}

/**
 * `Organization` (entity of the accounts subgraph) gains its notification channels and the count
 * of its dead (FAILED) deliveries; `Query.notificationChannels` lists this deployment's channels.
 */
export const organizationResolvers: Resolvers = {
  Organization: {
    __resolveReference: (reference) => ({ id: reference.id }),
    notificationChannels: (organization, _args, ctx) => {
      assertOrgAccess(ctx, organization.id, 'read');
      return ctx.channels.statuses();
    },
    failedNotificationDeliveries: (organization, _args, ctx) => {
      assertOrgAccess(ctx, organization.id, 'admin');
      return ctx.prisma.notificationDelivery.count({ where: { orgId: organization.id, status: 'FAILED' } });
    },
  },
  Query: {
    notificationChannels: (_parent, _args, ctx) => {
      callerOrg(ctx, 'read');
      return ctx.channels.statuses();
    },
  },
};
