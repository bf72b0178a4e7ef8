import type { SendOutcome } from '../channel';
import { clip, httpAttempt, jsonOf, statusOutcome, type Fetcher, type HttpAnswer } from '../http/attempt';
import type { SmsMessage, SmsProvider } from './sms-provider';

/** Twilio account settings (`NOTIFICATIONS_SMS_*`). */
export interface TwilioSettings {
  /** `https://api.twilio.com` (a local stand-in in tests). */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) or messaging service. */
  from: string;
}

/** Twilio error codes that reject the recipient (invalid or unreachable number, opted out): a bounce. */
const RECIPIENT_ERRORS = new Set([21211, 21214, 21217, 21608, 21610, 21612, 21614]);

/**
 * Twilio's answer: 2xx `{sid, status}` `DELIVERED` (`failed`/`undelivered` `FAILED`); an error
 * `{code, message, status}` rejecting the recipient (21211 invalid `To`, 21610 opted out, …)
 * `BOUNCED`; 429 `THROTTLED`; 5xx `RETRY`; other 4xx (401 credentials) `FAILED`.
 */
export function twilioOutcome(answer: HttpAnswer, now: Date): SendOutcome {
  const body = jsonOf(answer) as { sid?: string; status?: string; code?: number; message?: string } | undefined;
  const response = clip(answer.text);
  if (answer.status >= 200 && answer.status < 300) {
    if (body?.status === 'failed' || body?.status === 'undelivered')
      return { outcome: 'FAILED', statusCode: answer.status, response, error: `Twilio: ${body.status}` };
    return { outcome: 'DELIVERED', statusCode: answer.status, ...(body?.sid ? { providerMessageId: body.sid } : {}), response };
  }
  const error = `Twilio ${answer.status}${body?.code ? ` (${body.code})` : ''}: ${clip(body?.message ?? answer.text)}`;
  if (body?.code !== undefined && RECIPIENT_ERRORS.has(body.code))
    return { outcome: 'BOUNCED', statusCode: answer.status, response, error };
  if (answer.status >= 500) return { outcome: 'RETRY', statusCode: answer.status, response, error };
  const outcome = statusOutcome(answer, now);
  return outcome.outcome === 'DELIVERED' ? outcome : { ...outcome, error };
}

/**
 * SMS through Twilio's Messages API: `POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json`,
 * form-encoded `To`, `From`, `Body`, HTTP Basic auth (account SID, auth token).
 */
export function createTwilioSms(settings: TwilioSettings, options: { fetch: Fetcher; timeoutMs: number; now: () => Date }): SmsProvider {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    name: 'twilio',
    send(message: SmsMessage) {
      const now = options.now();
      const body = new URLSearchParams({ To: message.to, From: settings.from, Body: message.body });
      return httpAttempt(
        options.fetch,
        url,
        {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: body.toString(),
        },
        options.timeoutMs,
        (answer) => twilioOutcome(answer, now),
      );
    },
  };
}
