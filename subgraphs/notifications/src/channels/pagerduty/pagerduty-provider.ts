import type { NotificationPriority } from '@dictamesh/db';
import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';
import { clip, httpAttempt, jsonOf, statusOutcome, type Fetcher, type HttpAnswer } from '../http/attempt';

/** What the PAGERDUTY provider needs. */
export interface PagerDutyProviderOptions {
  /** The net-guard's fetch. */
  fetch: Fetcher;
  timeoutMs: number;
  now: () => Date;
}

/** The Events API v2 default URL. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Notification priority → PagerDuty severity. */
export const PAGERDUTY_SEVERITY: Record<NotificationPriority, 'critical' | 'error' | 'warning' | 'info'> = {
  CRITICAL: 'critical',
  HIGH: 'error',
  NORMAL: 'warning',
  LOW: 'info',
};

/** Longest `payload.summary` the Events API takes, characters. */
const SUMMARY_MAX = 1_024;

/** A trigger event of the Events API v2 (`dedup_key` = the delivery id: a resend is the same alert). */
export function pagerDutyEvent(message: OutgoingMessage, routingKey: string) {
  const { notification } = message;
  const summary = message.subject ?? notification.title;
  return {
    routing_key: routingKey,
    event_action: 'trigger' as const,
    dedup_key: message.id,
    payload: {
      summary: summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 1)}…` : summary,
      source: notification.entityUrn ?? `dictamesh/${message.typeKey}`,
      severity: PAGERDUTY_SEVERITY[message.priority],
      timestamp: notification.createdAt.toISOString(),
      custom_details: {
        notificationId: notification.id,
        orgId: message.orgId,
        type: message.typeKey,
        body: message.text,
        payload: notification.payload,
      },
    },
  };
}

/** PagerDuty's answer: 202 `{status: 'success', dedup_key}` `DELIVERED`; 400 `FAILED`; 429 `THROTTLED`; 5xx `RETRY`. */
export function pagerDutyOutcome(answer: HttpAnswer, now: Date): SendOutcome {
  const body = jsonOf(answer) as { status?: string; dedup_key?: string; message?: string; errors?: string[] } | undefined;
  if (answer.status === 202 && body?.status === 'success') {
    return {
      outcome: 'DELIVERED',
      statusCode: 202,
      ...(body.dedup_key ? { providerMessageId: body.dedup_key } : {}),
      response: clip(answer.text),
    };
  }
  const outcome: SendOutcome =
    answer.status >= 500
      ? { outcome: 'RETRY', statusCode: answer.status, response: clip(answer.text), error: `HTTP ${answer.status}` }
      : statusOutcome(answer, now);
  if (outcome.outcome === 'DELIVERED')
    return { outcome: 'FAILED', statusCode: answer.status, response: clip(answer.text), error: 'PagerDuty: unexpected answer' };
  const detail = [body?.message, ...(body?.errors ?? [])].filter(Boolean).join(': ');
  return detail ? { ...outcome, error: `PagerDuty ${answer.status}: ${clip(detail)}` } : outcome;
}

/** PAGERDUTY: an Events API v2 trigger with the endpoint's (opened) routing key. */
export function createPagerDutyProvider(options: PagerDutyProviderOptions): ChannelProvider {
  return {
    channel: 'PAGERDUTY',
    available: true,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      const endpoint = message.endpoint;
      const routingKey = endpoint?.secrets[0];
      if (!endpoint || !routingKey) return { outcome: 'FAILED', error: 'no endpoint routing key' };
      const now = options.now();
      return httpAttempt(
        options.fetch,
        endpoint.url,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pagerDutyEvent(message, routingKey)) },
        options.timeoutMs,
        (answer) => pagerDutyOutcome(answer, now),
      );
    },
  };
}
