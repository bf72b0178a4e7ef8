import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';
import { clip, httpAttempt, statusOutcome, type Fetcher, type HttpAnswer } from '../http/attempt';

/** What the SLACK provider needs. */
export interface SlackProviderOptions {
  /** The net-guard's fetch. */
  fetch: Fetcher;
  timeoutMs: number;
  now: () => Date;
}

/** Longest text of a Slack section block (Block Kit limit), characters. */
const SECTION_MAX = 3_000;

/** Slack's error texts that mean the webhook is gone (revoked, channel archived or deleted). */
const GONE_ERRORS = new Set([
  'invalid_token',
  'no_service',
  'no_service_id',
  'no_team',
  'team_disabled',
  'channel_is_archived',
  'channel_not_found',
  'no_active_hooks',
]);

/** The incoming-webhook body: `text` (notifications, fallback) and a section block in mrkdwn. */
export function slackBody(message: OutgoingMessage): { text: string; blocks: unknown[] } {
  const title = message.subject ?? message.notification.title;
  const text = `${title}\n${message.text}`;
  const section = `*${title}*\n${message.text}`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: section.length > SECTION_MAX ? `${section.slice(0, SECTION_MAX - 1)}…` : section } },
  ];
  if (message.notification.entityUrn)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: message.notification.entityUrn }] });
  return { text, blocks };
}

/**
 * Slack's answer: 200 `ok` `DELIVERED`; an error text that says the hook is gone
 * (`invalid_token`, `no_service`, `channel_is_archived`, …, or 404/410) `GONE`; 429 `THROTTLED`;
 * 5xx `RETRY`; other errors (`invalid_payload`, `action_prohibited`) `FAILED`.
 */
export function slackOutcome(answer: HttpAnswer, now: Date): SendOutcome {
  const text = answer.text.trim();
  if (answer.status === 200)
    return text === 'ok'
      ? { outcome: 'DELIVERED', statusCode: 200, response: 'ok' }
      : { outcome: 'FAILED', statusCode: 200, response: clip(text), error: `Slack: ${clip(text)}` };
  if (GONE_ERRORS.has(text) || answer.status === 404 || answer.status === 410)
    return { outcome: 'GONE', statusCode: answer.status, response: clip(text), error: `Slack: ${clip(text) || answer.status}` };
  const outcome = statusOutcome(answer, now);
  return outcome.outcome === 'DELIVERED' ? outcome : { ...outcome, error: `Slack: ${clip(text) || answer.status}` };
}

/** SLACK: an incoming-webhook POST (`{text, blocks}`) to the endpoint's secret URL. */
export function createSlackProvider(options: SlackProviderOptions): ChannelProvider {
  return {
    channel: 'SLACK',
    available: true,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (!message.endpoint) return { outcome: 'FAILED', error: 'no endpoint' };
      const now = options.now();
      return httpAttempt(
        options.fetch,
        message.endpoint.url,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackBody(message)) },
        options.timeoutMs,
        (answer) => slackOutcome(answer, now),
      );
    },
  };
}
