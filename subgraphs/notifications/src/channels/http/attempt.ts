import { isAddressForbidden } from '@dictamesh/net-guard';
import type { SendOutcome } from '../channel';

/** A provider's HTTP answer, body read as text. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** The `fetch` a provider sends with (the net-guard's for tenant URLs, the global one for operator-configured providers). */
export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** Longest provider answer kept in an attempt's `response`, characters. */
export const MAX_RESPONSE_CHARS = 2_000;

/** `text` cut to {@link MAX_RESPONSE_CHARS}. */
export function clip(text: string): string {
  return text.length > MAX_RESPONSE_CHARS ? `${text.slice(0, MAX_RESPONSE_CHARS)}…` : text;
}

/**
 * `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as milliseconds from `now`;
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * The outcome of an HTTP status by the Standard Webhooks rules the issue sets: 2xx `DELIVERED`,
 * 410 `GONE`, 429/502/504 `THROTTLED` (with `Retry-After`), 408 and other 5xx `RETRY`, other
 * statuses (4xx, unfollowed 3xx) `FAILED`. Providers refine it with what their answers say.
 */
export function statusOutcome(answer: HttpAnswer, now: Date): SendOutcome {
  const { status } = answer;
  const response = clip(answer.text);
  if (status >= 200 && status < 300) return { outcome: 'DELIVERED', statusCode: status, response };
  const error = `HTTP ${status}`;
  if (status === 410) return { outcome: 'GONE', statusCode: status, response, error };
  if (status === 429 || status === 502 || status === 504) {
    const wait = retryAfterMs(answer.headers.get('retry-after'), now);
    return { outcome: 'THROTTLED', statusCode: status, response, error, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  if (status === 408 || status >= 500) return { outcome: 'RETRY', statusCode: status, response, error };
  return {
    outcome: 'FAILED',
    statusCode: status,
    response,
    error: status >= 300 && status < 400 ? `${error}: redirects are not followed` : error,
  };
}

/** What a network failure says, without the URL (a Slack URL is a secret). */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * One HTTP request of a delivery: sends it with a timeout, reads the answer and lets `judge`
 * turn it into an outcome. Never throws for the provider's failures: a refused address
 * (net-guard) is `FAILED`, a timeout or a network error `RETRY`. Redirects are not followed.
 * @param timeoutMs the whole request, answer body included
 */
export async function httpAttempt(
  fetcher: Fetcher,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  judge: (answer: HttpAnswer) => SendOutcome,
): Promise<SendOutcome> {
  let answer: HttpAnswer;
  try {
    const response = await fetcher(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    answer = { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (isAddressForbidden(error)) return { outcome: 'FAILED', error: error.message };
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { outcome: 'RETRY', error: `no answer within ${timeoutMs} ms` };
    }
    return { outcome: 'RETRY', error: `network error: ${networkError(error)}` };
  }
  return judge(answer);
}

/** The answer's JSON, or undefined when it is not JSON. */
export function jsonOf(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    return undefined;
  }
}
