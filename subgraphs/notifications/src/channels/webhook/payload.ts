import { Webhook } from 'standardwebhooks';
import type { OutgoingMessage } from '../channel';

/** The JSON body of a notification webhook (Standard Webhooks payload structure: `type`, `timestamp`, `data`). */
export interface WebhookPayload {
  /** The notification type key (`billing.invoice.finalized`). */
  type: string;
  /** When the notification was created, ISO-8601 (the same for every attempt). */
  timestamp: string;
  data: {
    notificationId: string;
    orgId: string;
    priority: string;
    title: string;
    body: string;
    payload: unknown;
    entityUrn: string | null;
  };
}

/** The webhook body of a message (stable across attempts: a resend is byte for byte the same). */
export function webhookPayload(message: OutgoingMessage): WebhookPayload {
  const { notification } = message;
  return {
    type: message.typeKey,
    timestamp: notification.createdAt.toISOString(),
    data: {
      notificationId: notification.id,
      orgId: message.orgId,
      priority: message.priority,
      title: notification.title,
      body: notification.body,
      payload: notification.payload,
      entityUrn: notification.entityUrn,
    },
  };
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (`msg_` + the delivery id, the same
 * on every attempt so receivers deduplicate), `webhook-timestamp` (this attempt, Unix seconds)
 * and `webhook-signature`: one `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` per
 * secret, space-separated (several during a rotation), signed by the `standardwebhooks` package.
 * @param secrets `whsec_…` secrets, at least one
 */
export function webhookHeaders(deliveryId: string, body: string, secrets: readonly string[], now: Date): Record<string, string> {
  const id = `msg_${deliveryId}`;
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' '),
  };
}
