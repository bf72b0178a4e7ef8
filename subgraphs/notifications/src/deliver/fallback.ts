import type { NotificationChannel, NotificationDelivery, Prisma } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { renderNotification, type Rendered } from '../templates/render';
import { findType } from '../types/types';

/** A fallback delivery ready to be written in the outcome's transaction. */
export interface FallbackPlan {
  channel: NotificationChannel;
  /** The subscriber's address on `channel`; null for IN_APP. */
  destination: string | null;
  rendered: Rendered;
}

/** What {@link planFallback} reads of the failed delivery's notification. */
export interface FallbackSource {
  id: string;
  orgId: string;
  typeKey: string;
  subscriberId: string | null;
  payload: unknown;
  subscriber: { locale: string; timezone: string } | null;
}

/** Channels a fallback may use: a subscriber's own address, or the inbox. Endpoint channels belong to endpoints, not subscribers. */
const PERSONAL_CHANNELS: ReadonlySet<NotificationChannel> = new Set(['EMAIL', 'SMS', 'PUSH', 'IN_APP']);

/**
 * The fallback of a delivery that failed for good (dead, FAILED, BOUNCED, GONE): the type's
 * `fallbackChannel` (the organisation's own type first, else the platform's), rendered with
 * the template of that channel in the subscriber's locale, to the subscriber's first address on
 * it (IN_APP needs none). Null when there is none to make: the delivery is itself a fallback
 * (fallbacks happen once), the type has no fallback channel or it is the delivery's own, the
 * channel is unavailable, the notification has no subscriber, the subscriber has no address
 * there, the notification already has a delivery there, or rendering fails (logged).
 */
export async function planFallback(
  services: NotificationsServices,
  delivery: Pick<NotificationDelivery, 'id' | 'channel' | 'fallbackOfId'>,
  notification: FallbackSource,
): Promise<FallbackPlan | null> {
  const { prisma, log } = services;
  if (delivery.fallbackOfId || !notification.subscriberId || !notification.subscriber) return null;
  const type = await findType(prisma, notification.orgId, notification.typeKey);
  const channel = type?.fallbackChannel;
  if (!channel || channel === delivery.channel || !PERSONAL_CHANNELS.has(channel)) return null;
  if (!services.channels.isAvailable(channel)) {
    log.info({ deliveryId: delivery.id, channel }, 'fallback channel unavailable: no fallback');
    return null;
  }
  if (await prisma.notificationDelivery.count({ where: { notificationId: notification.id, channel } })) return null;
  let destination: string | null = null;
  if (channel !== 'IN_APP') {
    const address = await prisma.notificationSubscriberAddress.findFirst({
      where: { subscriberId: notification.subscriberId, channel },
      orderBy: { createdAt: 'asc' },
    });
    if (!address) return null;
    destination = address.address;
  }
  try {
    const rendered = await renderNotification(prisma, {
      orgId: notification.orgId,
      typeKey: notification.typeKey,
      channel,
      locale: notification.subscriber.locale,
      timezone: notification.subscriber.timezone,
      variables: (notification.payload ?? {}) as Record<string, unknown>,
    });
    return { channel, destination, rendered };
  } catch (error) {
    if (!(error instanceof DictaMeshError)) throw error;
    log.warn({ deliveryId: delivery.id, channel, code: error.code }, 'fallback not rendered: no fallback');
    return null;
  }
}

/** Writes the fallback delivery of `failedId` (QUEUED) in the outcome's transaction and returns its id; the caller queues it. */
export async function writeFallback(
  tx: Prisma.TransactionClient,
  plan: FallbackPlan,
  failed: { id: string; orgId: string; notificationId: string },
): Promise<string> {
  const created = await tx.notificationDelivery.create({
    data: {
      notificationId: failed.notificationId,
      orgId: failed.orgId,
      channel: plan.channel,
      destination: plan.destination,
      status: 'QUEUED',
      subject: plan.rendered.subject,
      content: plan.rendered.text,
      html: plan.rendered.html,
      templateVersion: plan.rendered.templateVersion,
      locale: plan.rendered.locale,
      fallbackOfId: failed.id,
    },
    select: { id: true },
  });
  return created.id;
}
