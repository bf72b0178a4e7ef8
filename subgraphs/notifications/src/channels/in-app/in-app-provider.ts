import { TOPICS, toDictaMeshEvent, type EventBus, type NotificationInApp } from '@dictamesh/events';
import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';

/** CloudEvent `source` of notifications' events. */
export const NOTIFICATIONS_SOURCE = '/dictamesh/notifications';

/** The `dictamesh.notification.in_app` data of a message, or undefined when it has no subscriber. */
export function inAppEvent(message: OutgoingMessage): NotificationInApp | undefined {
  const { notification } = message;
  if (!notification.subscriberId || !notification.subscriberExternalId) return undefined;
  return {
    org: message.orgId,
    notificationId: notification.id,
    subscriberId: notification.subscriberId,
    subscriberExternalId: notification.subscriberExternalId,
    typeKey: message.typeKey,
    priority: message.priority,
    title: notification.title,
    body: notification.body,
    entityUrn: notification.entityUrn,
    createdAt: notification.createdAt.toISOString(),
  };
}

/**
 * IN_APP: the notification row is the inbox; delivering it publishes `NotificationInApp` on
 * `dictamesh.notification.in_app` (key = organisation, CloudEvent id `in-app-<delivery id>` so a
 * resend is the same event) for the gateway's `notificationReceived`. A bus failure is `RETRY`.
 */
export function createInAppProvider(bus: EventBus): ChannelProvider {
  return {
    channel: 'IN_APP',
    available: true,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      const data = inAppEvent(message);
      if (!data) return { outcome: 'FAILED', error: 'an in-app notification needs a subscriber' };
      try {
        await bus.publish(TOPICS.notificationInApp, [
          {
            key: message.orgId,
            event: toDictaMeshEvent(TOPICS.notificationInApp, data, {
              source: NOTIFICATIONS_SOURCE,
              id: `in-app-${message.id}`,
              org: message.orgId,
              subject: `notification:${data.notificationId}`,
              time: data.createdAt,
            }),
          },
        ]);
      } catch (error) {
        return { outcome: 'RETRY', error: `event bus: ${error instanceof Error ? error.message : String(error)}` };
      }
      return { outcome: 'DELIVERED', providerMessageId: `in-app-${message.id}` };
    },
  };
}
