import { describe, expect, it } from 'vitest';
import { assertEmailAddress } from './email/address';
import { smtpFailure } from './email/smtp-provider';
import { retryAfterMs, statusOutcome, type HttpAnswer } from './http/attempt';
import { pagerDutyOutcome } from './pagerduty/pagerduty-provider';
import { expoOutcome } from './push/expo';
import { slackOutcome } from './slack/slack-provider';
import { assertE164 } from './sms/sms-provider';
import { twilioOutcome } from './sms/twilio';
import { webhookHeaders } from './webhook/payload';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const answer = (status: number, text = '', headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  text,
  headers: new Headers(headers),
});
const outcomeOf = (result: { outcome: string }) => result.outcome;

describe('Standard Webhooks signature', () => {
  it('signs the specification test vector (standardwebhooks), one v1 signature per secret', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = webhookHeaders('p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', [secret], new Date(1614265330_000));
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
    const rotated = webhookHeaders(
      'p5jXN8AQM9LWM0D4loKWxJek',
      '{"test": 2432232314}',
      ['whsec_' + Buffer.alloc(24, 7).toString('base64'), secret],
      new Date(1614265330_400),
    );
    const signatures = rotated['webhook-signature']!.split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures[1]).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(rotated['webhook-timestamp']).toBe('1614265330');
  });
});

describe('HTTP status outcomes (webhooks)', () => {
  it('maps 2xx, 410, 429/502/504, other 5xx and 408, other 4xx and 3xx', () => {
    expect([200, 204, 410, 429, 502, 504, 500, 503, 408, 400, 404, 301].map((s) => outcomeOf(statusOutcome(answer(s), NOW)))).toEqual([
      'DELIVERED',
      'DELIVERED',
      'GONE',
      'THROTTLED',
      'THROTTLED',
      'THROTTLED',
      'RETRY',
      'RETRY',
      'RETRY',
      'FAILED',
      'FAILED',
      'FAILED',
    ]);
  });
  it('honours Retry-After in seconds or as an HTTP date', () => {
    expect(statusOutcome(answer(429, '', { 'retry-after': '120' }), NOW)).toMatchObject({
      outcome: 'THROTTLED',
      retryAfterMs: 120_000,
      statusCode: 429,
    });
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(null, NOW)).toBeUndefined();
  });
  it('keeps at most 2000 characters of an answer', () => {
    expect(statusOutcome(answer(500, 'x'.repeat(5000)), NOW)).toMatchObject({ response: `${'x'.repeat(2000)}…` });
  });
});

describe('SMTP failures', () => {
  it('4xx RETRY, 550/551/553 BOUNCED, other 5xx FAILED, no reply RETRY', () => {
    const failure = (responseCode?: number) =>
      outcomeOf(smtpFailure(Object.assign(new Error('x'), { responseCode, response: `${responseCode} nope` })));
    expect([421, 451, 550, 551, 553, 552, 554, 535, undefined].map(failure)).toEqual([
      'RETRY',
      'RETRY',
      'BOUNCED',
      'BOUNCED',
      'BOUNCED',
      'FAILED',
      'FAILED',
      'FAILED',
      'RETRY',
    ]);
    expect(smtpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }))).toEqual({
      outcome: 'RETRY',
      error: 'SMTP ESOCKET error: connect ECONNREFUSED',
    });
  });
});

describe('Slack, PagerDuty, Twilio, Expo answers', () => {
  it('Slack: ok, gone hooks, throttling, server errors, bad payloads', () => {
    expect(slackOutcome(answer(200, 'ok'), NOW)).toEqual({ outcome: 'DELIVERED', statusCode: 200, response: 'ok' });
    expect(outcomeOf(slackOutcome(answer(404, 'no_service'), NOW))).toBe('GONE');
    expect(outcomeOf(slackOutcome(answer(410, 'channel_is_archived'), NOW))).toBe('GONE');
    expect(outcomeOf(slackOutcome(answer(403, 'invalid_token'), NOW))).toBe('GONE');
    expect(slackOutcome(answer(429, 'rate_limited', { 'retry-after': '3' }), NOW)).toMatchObject({
      outcome: 'THROTTLED',
      retryAfterMs: 3000,
    });
    expect(outcomeOf(slackOutcome(answer(500, 'rollup_error'), NOW))).toBe('RETRY');
    expect(slackOutcome(answer(400, 'invalid_payload'), NOW)).toMatchObject({ outcome: 'FAILED', error: 'Slack: invalid_payload' });
    expect(outcomeOf(slackOutcome(answer(403, 'action_prohibited'), NOW))).toBe('FAILED');
  });
  it('PagerDuty: 202 success, 400 FAILED, 429 THROTTLED, 5xx RETRY', () => {
    expect(pagerDutyOutcome(answer(202, '{"status":"success","message":"Event processed","dedup_key":"d-1"}'), NOW)).toMatchObject({
      outcome: 'DELIVERED',
      providerMessageId: 'd-1',
    });
    expect(
      pagerDutyOutcome(
        answer(400, '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'routing_key\' is incorrect"]}'),
        NOW,
      ),
    ).toMatchObject({
      outcome: 'FAILED',
      error: "PagerDuty 400: Event object is invalid: Length of 'routing_key' is incorrect",
    });
    expect(outcomeOf(pagerDutyOutcome(answer(429, ''), NOW))).toBe('THROTTLED');
    expect([500, 502, 503, 504].map((s) => outcomeOf(pagerDutyOutcome(answer(s, ''), NOW)))).toEqual(['RETRY', 'RETRY', 'RETRY', 'RETRY']);
  });
  it('Twilio: created, recipient errors BOUNCED, 429, 5xx, credentials', () => {
    expect(twilioOutcome(answer(201, '{"sid":"SM123","status":"queued"}'), NOW)).toMatchObject({
      outcome: 'DELIVERED',
      providerMessageId: 'SM123',
    });
    expect(
      twilioOutcome(answer(400, '{"code":21211,"message":"The \'To\' number is not a valid phone number.","status":400}'), NOW),
    ).toMatchObject({
      outcome: 'BOUNCED',
      error: "Twilio 400 (21211): The 'To' number is not a valid phone number.",
    });
    expect(outcomeOf(twilioOutcome(answer(429, '{"code":20429,"message":"Too Many Requests","status":429}'), NOW))).toBe('THROTTLED');
    expect(outcomeOf(twilioOutcome(answer(503, ''), NOW))).toBe('RETRY');
    expect(outcomeOf(twilioOutcome(answer(401, '{"code":20003,"message":"Authenticate","status":401}'), NOW))).toBe('FAILED');
  });
  it('Expo: ok ticket, DeviceNotRegistered BOUNCED, rate exceeded THROTTLED, HTTP errors', () => {
    expect(expoOutcome(answer(200, '{"data":[{"status":"ok","id":"XXXX-1"}]}'), NOW)).toMatchObject({
      outcome: 'DELIVERED',
      providerMessageId: 'XXXX-1',
    });
    const unregistered =
      '{"data":[{"status":"error","message":"not a registered push notification recipient","details":{"error":"DeviceNotRegistered"}}]}';
    expect(expoOutcome(answer(200, unregistered), NOW)).toMatchObject({
      outcome: 'BOUNCED',
      error: 'Expo DeviceNotRegistered: not a registered push notification recipient',
    });
    expect(
      outcomeOf(expoOutcome(answer(200, '{"data":[{"status":"error","message":"slow","details":{"error":"MessageRateExceeded"}}]}'), NOW)),
    ).toBe('THROTTLED');
    expect(
      outcomeOf(expoOutcome(answer(200, '{"data":[{"status":"error","message":"big","details":{"error":"MessageTooBig"}}]}'), NOW)),
    ).toBe('FAILED');
    expect([429, 500, 400].map((s) => outcomeOf(expoOutcome(answer(s, ''), NOW)))).toEqual(['THROTTLED', 'RETRY', 'FAILED']);
  });
});

describe('addresses', () => {
  const code = (check: () => void) => {
    try {
      check();
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };
  it('email: a real address check', () => {
    expect(['ops@example.com', 'first.last+tag@sub.example.co.uk'].map((a) => code(() => assertEmailAddress(a)))).toEqual(['ok', 'ok']);
    expect(['not-an-email', 'a@', '@b.com', 'a b@c.com', `${'a'.repeat(250)}@b.com`].map((a) => code(() => assertEmailAddress(a)))).toEqual(
      Array(5).fill('NOTIFICATION_ADDRESS_INVALID'),
    );
  });
  it('SMS: E.164 numbers valid for their country only', () => {
    expect(['+41791234567', '+14155552671'].map((a) => code(() => assertE164(a)))).toEqual(['ok', 'ok']);
    expect(['0791234567', '+41 79 123 45 67', '+4179', '+999123456789', 'phone'].map((a) => code(() => assertE164(a)))).toEqual(
      Array(5).fill('NOTIFICATION_ADDRESS_INVALID'),
    );
  });
});
