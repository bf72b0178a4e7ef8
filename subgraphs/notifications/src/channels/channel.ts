import type { NotificationChannel, NotificationPriority } from '@dictamesh/db';

/** An org-level destination a message goes to (WEBHOOK, SLACK, PAGERDUTY), with its secrets opened. */
export interface EndpointTarget {
  id: string;
  channel: NotificationChannel;
  /** Delivery URL (for SLACK the opened secret URL; for PAGERDUTY the Events API v2 URL). */
  url: string;
  /** Opened secrets, newest first: WEBHOOK signing secrets (`whsec_…`, several during a rotation), PAGERDUTY routing key. */
  secrets: string[];
}

/**
 * One delivery as a provider sends it. Its `id` (the delivery id) is the message id the provider
 * sees (SMTP `Message-ID: <id@dictamesh>`, `webhook-id: msg_<id>`, PagerDuty `dedup_key`,
 * Expo/Twilio idempotency), so a resend after a crash is the same message.
 */
export interface OutgoingMessage {
  /** The delivery id (uuid). */
  id: string;
  orgId: string;
  channel: NotificationChannel;
  typeKey: string;
  priority: NotificationPriority;
  /** Email address, E.164 phone number or push token (personal channels); undefined for endpoint channels and IN_APP. */
  to?: string;
  /** The endpoint (WEBHOOK, SLACK, PAGERDUTY). */
  endpoint?: EndpointTarget;
  /** Rendered subject / title. */
  subject: string | null;
  /** Rendered text body. */
  text: string;
  /** Rendered HTML body (EMAIL). */
  html: string | null;
  /** The notification it carries (webhook payloads, in-app events). */
  notification: {
    id: string;
    subscriberId: string | null;
    /** The principal subject the subscriber stands for (IN_APP live push). */
    subscriberExternalId: string | null;
    title: string;
    body: string;
    payload: unknown;
    entityUrn: string | null;
    createdAt: Date;
  };
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * What a provider answered. Providers never throw for the provider's errors: a transient one is
 * `RETRY`, a slow-down `THROTTLED` (429, 502, 504; `retryAfterMs` from `Retry-After`), a
 * permanent one `FAILED` (4xx, invalid address), a reported bounce `BOUNCED`, `410 Gone` `GONE`.
 */
export type SendOutcome =
  | { outcome: 'DELIVERED'; statusCode?: number; providerMessageId?: string; response?: string }
  | { outcome: 'RETRY' | 'THROTTLED'; statusCode?: number; response?: string; error: string; retryAfterMs?: number }
  | { outcome: 'FAILED' | 'BOUNCED' | 'GONE'; statusCode?: number; response?: string; error: string };

/** One channel's provider (SMTP, Standard Webhooks, Slack, PagerDuty, an SMS or push provider, in-app). */
export interface ChannelProvider {
  readonly channel: NotificationChannel;
  /** Configured by the operator (SMTP URL, provider URL and credentials); IN_APP, WEBHOOK, SLACK and PAGERDUTY always are. */
  readonly available: boolean;
  /**
   * Checks a subscriber address for this channel when it is saved or a notification is accepted.
   * @throws DictaMeshError `NOTIFICATION_ADDRESS_INVALID`
   */
  validateAddress?(address: string): void;
  /**
   * Applies the channel's entry of the `notifications.channels` setting live (EMAIL:
   * `fromAddress` replaces `NOTIFICATIONS_EMAIL_FROM`); an empty entry restores the defaults.
   */
  configure?(settings: Readonly<Record<string, unknown>>): void;
  /** Sends one message; resolves with the provider's answer (throws only on a bug). */
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /** Releases connections (SMTP pool, HTTP agents). */
  close?(): Promise<void>;
}
