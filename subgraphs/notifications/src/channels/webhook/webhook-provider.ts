import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';
import { httpAttempt, statusOutcome, type Fetcher } from '../http/attempt';
import { webhookHeaders, webhookPayload } from './payload';

/** What the WEBHOOK provider needs. */
export interface WebhookProviderOptions {
  /** The net-guard's fetch ({@link createEndpointFetch}). */
  fetch: Fetcher;
  timeoutMs: number;
  now: () => Date;
}

/**
 * WEBHOOK: a POST of {@link webhookPayload} signed per Standard Webhooks with every active secret
 * of the endpoint. 2xx `DELIVERED`, 410 `GONE`, 429/502/504 `THROTTLED` (`Retry-After`
 * honoured), other 5xx and timeouts `RETRY`, other 4xx `FAILED` ({@link statusOutcome}).
 */
export function createWebhookProvider(options: WebhookProviderOptions): ChannelProvider {
  return {
    channel: 'WEBHOOK',
    available: true,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      const endpoint = message.endpoint;
      if (!endpoint) return { outcome: 'FAILED', error: 'no endpoint' };
      if (endpoint.secrets.length === 0) return { outcome: 'FAILED', error: 'the endpoint has no signing secret' };
      const body = JSON.stringify(webhookPayload(message));
      const now = options.now();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'DictaMesh-Webhooks/1',
        ...webhookHeaders(message.id, body, endpoint.secrets, now),
      };
      return httpAttempt(options.fetch, endpoint.url, { method: 'POST', headers, body }, options.timeoutMs, (answer) =>
        statusOutcome(answer, now),
      );
    },
  };
}
