import { randomUUID } from 'node:crypto';
import type { NotificationDigest, Prisma } from '@dictamesh/db';
import type { NotificationsServices } from '../context';
import { isUuid } from '../send/plan';
import { renderNotification, type Rendered } from '../templates/render';

/** Items a digest lists; the rest are counted (`more`). */
export const DIGEST_ITEMS = 10;

/** The digest's own notification type (platform). */
export const DIGEST_TYPE = 'notifications.digest';

/** Tries of a close whose window still gained notifications while it was being rendered. */
const ROUNDS = 3;

const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

/** A digest's message, rendered before its closing transaction. */
interface DigestMessage {
  variables: Record<string, unknown>;
  rendered: Rendered;
  inApp: Rendered;
  destinations: (string | null)[];
}

/**
 * Closes one digest window (the queue's `digest` job at the window's end), once: the
 * `notifications.digest` template is rendered on the digest's channel in the subscriber's locale
 * with the first {@link DIGEST_ITEMS} notifications folded in (oldest first:
 * `{ title, body, createdAt }`), their `count` and how many `more`; then, in one transaction under
 * the digest's row lock, the digest goes OPEN → SENT and the digest notification and its
 * deliveries (one per address of the subscriber on the channel; SUPPRESSED `NO_ADDRESS` without
 * one) are written and queued. A digest already sent (a job run twice, concurrently or not) or
 * unknown does nothing; one that gained notifications while rendering is rendered again.
 * @throws DictaMeshError `NOTIFICATION_TEMPLATE_UNKNOWN`, `NOTIFICATION_VARIABLES_INVALID` (the job is retried)
 */
export async function flushDigest(services: NotificationsServices, digestId: string): Promise<void> {
  if (!isUuid(digestId)) return;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const digest = await services.prisma.notificationDigest.findUnique({ where: { id: digestId } });
    if (!digest || digest.status !== 'OPEN') return;
    const message = await digestMessage(services, digest);
    const outcome = await services.prisma.$transaction(async (tx) => {
      // the row lock: a concurrent close waits here, then sees SENT
      await tx.$queryRaw`SELECT id FROM dictamesh_notification_digests WHERE id = ${digestId}::uuid FOR UPDATE`;
      const current = await tx.notificationDigest.findUnique({ where: { id: digestId } });
      if (!current || current.status !== 'OPEN') return 'closed' as const;
      if (current.count !== digest.count && round < ROUNDS) return 'grew' as const;
      return (await writeDigest(tx, services, current, message)) ? ('queued' as const) : ('closed' as const);
    }, TX_OPTIONS);
    if (outcome === 'grew') continue;
    if (outcome === 'queued') services.queue.wake();
    return;
  }
}

/** Reads the folded notifications and the subscriber, and renders the digest. */
async function digestMessage(services: NotificationsServices, digest: NotificationDigest): Promise<DigestMessage> {
  const { prisma } = services;
  const folded = {
    subscriberId: digest.subscriberId,
    typeKey: digest.typeKey,
    deliveries: { some: { channel: digest.channel, lastError: `digest:${digest.id}` } },
  };
  const [items, count, subscriber] = await Promise.all([
    prisma.notification.findMany({ where: folded, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: DIGEST_ITEMS }),
    prisma.notification.count({ where: folded }),
    prisma.notificationSubscriber.findUniqueOrThrow({
      where: { id: digest.subscriberId },
      include: { addresses: { where: { channel: digest.channel } } },
    }),
  ]);
  const variables = {
    type: digest.typeKey,
    count,
    more: Math.max(0, count - items.length),
    items: items.map((item) => ({ title: item.title, body: item.body, createdAt: item.createdAt.toISOString() })),
    windowStart: digest.windowStart.toISOString(),
    windowEnd: digest.windowEnd.toISOString(),
  };
  const q = { orgId: digest.orgId, typeKey: DIGEST_TYPE, locale: subscriber.locale, timezone: subscriber.timezone, variables };
  const rendered = await renderNotification(prisma, { ...q, channel: digest.channel });
  const inApp = await renderNotification(prisma, { ...q, channel: 'IN_APP' });
  const destinations = subscriber.addresses.length > 0 ? subscriber.addresses.map((a) => a.address) : [null];
  return { variables, rendered, inApp, destinations };
}

/** Writes the digest notification and its deliveries, marks the digest SENT and queues. @returns whether a job was queued */
async function writeDigest(
  tx: Prisma.TransactionClient,
  services: NotificationsServices,
  digest: NotificationDigest,
  message: DigestMessage,
): Promise<boolean> {
  const { rendered, inApp, variables } = message;
  const notificationId = randomUUID();
  const deliveries = message.destinations.map((destination) => ({
    id: randomUUID(),
    notificationId,
    orgId: digest.orgId,
    channel: digest.channel,
    destination,
    status: destination === null ? ('SUPPRESSED' as const) : ('QUEUED' as const),
    lastError: destination === null ? 'NO_ADDRESS' : null,
    subject: rendered.subject,
    content: rendered.text,
    html: rendered.html,
    templateVersion: rendered.templateVersion,
    locale: rendered.locale,
  }));
  const queued = deliveries.some((d) => d.status === 'QUEUED');
  await tx.notification.create({
    data: {
      id: notificationId,
      orgId: digest.orgId,
      subscriberId: digest.subscriberId,
      typeKey: DIGEST_TYPE,
      priority: 'NORMAL',
      status: queued ? 'QUEUED' : 'SUPPRESSED',
      title: inApp.subject ?? DIGEST_TYPE,
      body: inApp.text,
      payload: variables as Prisma.InputJsonValue,
      sourceEventId: `digest:${digest.id}`,
      sourceType: DIGEST_TYPE,
    },
  });
  await tx.notificationDelivery.createMany({ data: deliveries });
  await tx.notificationDigest.update({ where: { id: digest.id }, data: { status: 'SENT', notificationId } });
  for (const delivery of deliveries) if (delivery.status === 'QUEUED') await services.queue.enqueueDelivery(tx, delivery.id);
  return queued;
}
