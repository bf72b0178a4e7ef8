import type { NotificationChannel, NotificationPriority } from '@dictamesh/db';

/** Who a notification goes to. */
export type Recipient =
  /** A subscriber of the organisation: its addresses, preferences, quiet hours and digests apply. */
  | { kind: 'subscriber'; subscriberId: string }
  /** An address directly (e.g. the organisation's billing email): no subscriber, no preferences. */
  | { kind: 'address'; channel: NotificationChannel; address: string };

/**
 * What to tell whom: the input of `acceptNotifications` (from `sendNotification`, a rule match,
 * a billing event, an adapter health or dead-letter event).
 */
export interface NotificationRequest {
  orgId: string;
  typeKey: string;
  recipients: Recipient[];
  /** Template variables, checked against every template used before anything is written. */
  variables: Record<string, unknown>;
  /** Default: the type's default channels. Endpoint channels (WEBHOOK, SLACK, PAGERDUTY) go to the organisation's matching endpoints once per request. */
  channels?: NotificationChannel[];
  /** Default: the type's. */
  priority?: NotificationPriority;
  entityUrn?: string | null;
  ruleId?: string | null;
  /** What caused it: a redelivered event (same `eventId`) notifies nobody twice. */
  source?: { eventId: string; type: string };
}
