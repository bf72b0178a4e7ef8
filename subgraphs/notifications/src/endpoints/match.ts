import type { NotificationChannel, NotificationEndpoint, PrismaClient } from '@dictamesh/db';

/**
 * The organisation's ENABLED endpoints on one of `channels` that receive `typeKey` (their
 * `typeKeys` empty or containing it), oldest first.
 */
export function matchingEndpoints(
  prisma: Pick<PrismaClient, 'notificationEndpoint'>,
  orgId: string,
  typeKey: string,
  channels: readonly NotificationChannel[],
): Promise<NotificationEndpoint[]> {
  if (channels.length === 0) return Promise.resolve([]);
  return prisma.notificationEndpoint.findMany({
    where: {
      orgId,
      status: 'ENABLED',
      channel: { in: [...channels] },
      OR: [{ typeKeys: { isEmpty: true } }, { typeKeys: { has: typeKey } }],
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}
