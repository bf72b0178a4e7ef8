import { err } from '@dictamesh/runtime';
import type { SendOutcome } from '../channel';
import { clip, httpAttempt, jsonOf, statusOutcome, type Fetcher, type HttpAnswer } from '../http/attempt';
import type { PushMessage, PushProvider } from './push-provider';

/** Expo push settings (`NOTIFICATIONS_PUSH_*`). */
export interface ExpoSettings {
  /** `https://exp.host/--/api/v2/push/send` (a local stand-in in tests). */
  url: string;
  /** Expo access token (enhanced push security), sent as a Bearer token. */
  accessToken?: string;
}

/** An Expo push token: `ExponentPushToken[…]` or `ExpoPushToken[…]`. */
const EXPO_TOKEN = /^Expo(nent)?PushToken\[[^\]\s]{1,256}\]$/;

/** Expo's per-message errors that are a slow-down, not a failure. */
const THROTTLE_ERRORS = new Set(['MessageRateExceeded']);

type Ticket = { status: 'ok'; id?: string } | { status: 'error'; message?: string; details?: { error?: string } };

/**
 * Expo's answer: 200 `{data: [ticket]}`; a ticket `ok` `DELIVERED` (its `id`), `error` with
 * `DeviceNotRegistered` `BOUNCED`, `MessageRateExceeded` `THROTTLED`, another error `FAILED`;
 * 429 `THROTTLED`; 5xx `RETRY`; other 4xx `FAILED`.
 */
export function expoOutcome(answer: HttpAnswer, now: Date): SendOutcome {
  const response = clip(answer.text);
  if (answer.status !== 200) {
    const outcome =
      answer.status >= 500
        ? ({ outcome: 'RETRY', statusCode: answer.status, response, error: `HTTP ${answer.status}` } as const)
        : statusOutcome(answer, now);
    return outcome.outcome === 'DELIVERED'
      ? { outcome: 'FAILED', statusCode: answer.status, response, error: 'Expo: unexpected answer' }
      : outcome;
  }
  const ticket = ((jsonOf(answer) as { data?: Ticket[] } | undefined)?.data ?? [])[0];
  if (!ticket) return { outcome: 'FAILED', statusCode: 200, response, error: 'Expo: no ticket in the answer' };
  if (ticket.status === 'ok')
    return { outcome: 'DELIVERED', statusCode: 200, ...(ticket.id ? { providerMessageId: ticket.id } : {}), response };
  const code = ticket.details?.error ?? 'error';
  const error = `Expo ${code}: ${clip(ticket.message ?? '')}`;
  if (code === 'DeviceNotRegistered') return { outcome: 'BOUNCED', statusCode: 200, response, error };
  if (THROTTLE_ERRORS.has(code)) return { outcome: 'THROTTLED', statusCode: 200, response, error };
  return { outcome: 'FAILED', statusCode: 200, response, error };
}

/** PUSH through Expo's push API: `POST {url}` JSON `[{to, title, body, data}]`. */
export function createExpoPush(settings: ExpoSettings, options: { fetch: Fetcher; timeoutMs: number; now: () => Date }): PushProvider {
  return {
    name: 'expo',
    validateToken(token: string) {
      if (!EXPO_TOKEN.test(token)) throw err('NOTIFICATION_ADDRESS_INVALID', 'Not an Expo push token.', { channel: 'PUSH' });
    },
    send(message: PushMessage) {
      const now = options.now();
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (settings.accessToken) headers.authorization = `Bearer ${settings.accessToken}`;
      const body = JSON.stringify([{ to: message.to, title: message.title, body: message.body, data: message.data }]);
      return httpAttempt(options.fetch, settings.url, { method: 'POST', headers, body }, options.timeoutMs, (answer) =>
        expoOutcome(answer, now),
      );
    },
  };
}
