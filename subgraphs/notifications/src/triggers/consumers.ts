import { BILLING_TOPICS, ENTITY_TOPICS, TOPICS } from '@dictamesh/events';
import type { ConsumerSpec } from '@dictamesh/subgraph-kit';
import type { NotificationsServices } from '../context';
import { notifyBillingEvents } from './billing-events';
import { notifyRuleMatches } from './entity-rules';
import { notifyPlatformEvents } from './platform-events';

/** The consumer groups of the notifications subgraph. */
export const TRIGGER_GROUPS = {
  entities: 'dictamesh-notifications-entities',
  billing: 'dictamesh-notifications-billing',
  platform: 'dictamesh-notifications-platform',
} as const;

/** The topics each trigger group reads (the in-process bus keeps them durable for these groups). */
export const TRIGGER_TOPICS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  [TRIGGER_GROUPS.entities]: ENTITY_TOPICS,
  [TRIGGER_GROUPS.billing]: BILLING_TOPICS,
  [TRIGGER_GROUPS.platform]: [TOPICS.adapterEvent, TOPICS.dlq],
});

/**
 * The consumer groups that turn events into notifications (each write idempotent: the CloudEvent
 * id is the notifications' `source.eventId`, so a redelivered batch notifies nobody twice):
 * - `dictamesh-notifications-entities` on the entity change topics: rules ({@link notifyRuleMatches});
 * - `dictamesh-notifications-billing` on the billing topics: the billing email, subscribed
 *   subscribers and endpoints ({@link notifyBillingEvents});
 * - `dictamesh-notifications-platform` on adapter events and the DLQ ({@link notifyPlatformEvents}).
 * A group without a committed offset starts where `fromBeginning` says: on Kafka `false` (a first
 * join does not notify the whole retained history; later starts resume from the committed
 * offsets), on the in-process bus `true` (its log holds only this process's records and those
 * its outbox recovered from a killed one, which must not be skipped). Input that can never succeed is skipped with a
 * warning, so it never blocks a partition; database errors are thrown (the bus retries).
 */
export function notificationTriggers(
  services: NotificationsServices,
  fromBeginning = false,
): Record<keyof typeof TRIGGER_GROUPS, ConsumerSpec> {
  const log = services.log.child({ component: 'notification-triggers' });
  const scoped = { ...services, log };
  return {
    entities: {
      groupId: TRIGGER_GROUPS.entities,
      topics: TRIGGER_TOPICS[TRIGGER_GROUPS.entities]!,
      fromBeginning,
      write: async (records) => void (await notifyRuleMatches(scoped, records)),
    },
    billing: {
      groupId: TRIGGER_GROUPS.billing,
      topics: TRIGGER_TOPICS[TRIGGER_GROUPS.billing]!,
      fromBeginning,
      write: async (records) => void (await notifyBillingEvents(scoped, records)),
    },
    platform: {
      groupId: TRIGGER_GROUPS.platform,
      topics: TRIGGER_TOPICS[TRIGGER_GROUPS.platform]!,
      fromBeginning,
      write: async (records) => void (await notifyPlatformEvents(scoped, records)),
    },
  };
}
