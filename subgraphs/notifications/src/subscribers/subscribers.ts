import type { NotificationSubscriber, PrismaClient } from '@dictamesh/db';
import type { NotificationsContext } from '../context';
import { callerOrg, type NotificationsAccess } from '../graphql/access';

/**
 * The subscriber standing for `externalId` in organisation `orgId`, created (locale `en`,
 * time zone `UTC`, no quiet hours) on first use. Concurrent first uses yield the same row
 * (`INSERT … ON CONFLICT DO NOTHING` on the unique (org_id, external_id), then a read).
 */
export async function ensureSubscriber(prisma: PrismaClient, orgId: string, externalId: string): Promise<NotificationSubscriber> {
  const where = { orgId_externalId: { orgId, externalId } };
  const existing = await prisma.notificationSubscriber.findUnique({ where });
  if (existing) return existing;
  await prisma.notificationSubscriber.createMany({ data: [{ orgId, externalId }], skipDuplicates: true });
  return prisma.notificationSubscriber.findUniqueOrThrow({ where });
}

/**
 * The caller's own subscriber: the one standing for its principal subject in its organisation
 * (created on first use), after checking it holds a scope of `access`.
 * @throws DictaMeshError `FORBIDDEN` (see `callerOrg`)
 */
export function callerSubscriber(
  ctx: Pick<NotificationsContext, 'principal' | 'prisma'>,
  access: NotificationsAccess,
): Promise<NotificationSubscriber> {
  const orgId = callerOrg(ctx, access);
  return ensureSubscriber(ctx.prisma, orgId, ctx.principal.subject);
}
