import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { DictaMeshError } from '@dictamesh/runtime';
import { StripePaymentProvider } from './stripe';

// Stripe webhooks verified by the SDK's constructEvent at an injected time of receipt; signed with
// the SDK's own test signer (t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>). No server:
// the API URL is never called.
const secret = 'whsec_test_dictamesh';
const provider = new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl: 'http://127.0.0.1:9', webhookSecret: secret });
const now = new Date('2026-11-30T12:00:00.000Z');
const nowSeconds = 1_796_040_000; // 2026-11-30T12:00:00Z
const sign = (payload: string, timestamp = nowSeconds, key = secret) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: key, timestamp });

const event = (type: string, object: Record<string, unknown>) =>
  JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type,
    api_version: Stripe.API_VERSION,
    created: nowSeconds,
    livemode: false,
    data: { object },
  });

const succeeded = event('payment_intent.succeeded', {
  id: 'pi_1',
  object: 'payment_intent',
  amount: 12_345,
  amount_received: 12_345,
  currency: 'usd',
  status: 'succeeded',
  metadata: { invoice_id: 'inv_01', org_id: 'acme', invoice_number: 'INV-2026-000042' },
  last_payment_error: null,
});

const invalid = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as DictaMeshError).code;
  }
  return 'accepted';
};

describe('StripePaymentProvider.parseWebhook', () => {
  it('the clock constant is the instant it names', () => {
    expect(now.getTime() / 1000).toBe(nowSeconds);
  });

  it('reads a signed payment_intent.succeeded (header name in any case, body as string or Buffer)', () => {
    const expected = {
      eventId: 'evt_1',
      kind: 'payment.succeeded',
      providerRef: 'pi_1',
      invoiceId: 'inv_01',
      orgId: 'acme',
      amountMinor: 12_345n,
      currency: 'USD',
      failureMessage: null,
      type: 'payment_intent.succeeded',
    };
    expect(provider.parseWebhook(succeeded, { 'stripe-signature': sign(succeeded) }, now)).toEqual(expected);
    expect(provider.parseWebhook(Buffer.from(succeeded), { 'Stripe-Signature': sign(succeeded) }, now)).toEqual(expected);
  });

  it('reads payment_intent.payment_failed with the amount asked and Stripe message', () => {
    const body = event('payment_intent.payment_failed', {
      id: 'pi_2',
      object: 'payment_intent',
      amount: 1_200,
      amount_received: 0,
      currency: 'jpy',
      status: 'requires_payment_method',
      metadata: { invoice_id: 'inv_02', org_id: 'globex' },
      last_payment_error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    });
    expect(provider.parseWebhook(body, { 'stripe-signature': sign(body) }, now)).toEqual({
      eventId: 'evt_1',
      kind: 'payment.failed',
      providerRef: 'pi_2',
      invoiceId: 'inv_02',
      orgId: 'globex',
      amountMinor: 1_200n,
      currency: 'JPY',
      failureMessage: 'Your card was declined.',
      type: 'payment_intent.payment_failed',
    });
  });

  it('reads charge.refunded as refund.succeeded of the charge PaymentIntent, with the total refunded', () => {
    const body = event('charge.refunded', {
      id: 'ch_1',
      object: 'charge',
      amount: 12_345,
      amount_refunded: 5_000,
      currency: 'usd',
      payment_intent: 'pi_1',
      refunded: false,
      metadata: { invoice_id: 'inv_01', org_id: 'acme' },
    });
    expect(provider.parseWebhook(body, { 'stripe-signature': sign(body) }, now)).toEqual({
      eventId: 'evt_1',
      kind: 'refund.succeeded',
      providerRef: 'pi_1',
      invoiceId: 'inv_01',
      orgId: 'acme',
      amountMinor: 5_000n,
      currency: 'USD',
      failureMessage: null,
      type: 'charge.refunded',
    });
  });

  it('an event type billing does not act on is ignored', () => {
    const body = event('customer.updated', { id: 'cus_1', object: 'customer', metadata: { org_id: 'acme' } });
    expect(provider.parseWebhook(body, { 'stripe-signature': sign(body) }, now)).toEqual({
      eventId: 'evt_1',
      kind: 'ignored',
      providerRef: null,
      invoiceId: null,
      orgId: null,
      amountMinor: null,
      currency: null,
      failureMessage: null,
      type: 'customer.updated',
    });
  });

  it('a tampered body, a wrong secret, a missing or repeated header are WEBHOOK_SIGNATURE_INVALID', () => {
    const header = sign(succeeded);
    const tampered = succeeded.replace('12345', '99999');
    expect(tampered).not.toBe(succeeded);
    expect(invalid(() => provider.parseWebhook(tampered, { 'stripe-signature': header }, now))).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(invalid(() => provider.parseWebhook(succeeded, { 'stripe-signature': sign(succeeded, nowSeconds, 'whsec_other') }, now))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expect(invalid(() => provider.parseWebhook(succeeded, {}, now))).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(invalid(() => provider.parseWebhook(succeeded, { 'stripe-signature': '' }, now))).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(invalid(() => provider.parseWebhook(succeeded, { 'stripe-signature': [header, header] }, now))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expect(invalid(() => provider.parseWebhook(succeeded, { 'stripe-signature': 'garbage' }, now))).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('a signature 301 s old is stale; 300 s and 299 s old are accepted (tolerance 300 s)', () => {
    const at = (age: number) =>
      invalid(() => provider.parseWebhook(succeeded, { 'stripe-signature': sign(succeeded, nowSeconds - age) }, now));
    expect(at(301)).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(at(300)).toBe('accepted');
    expect(at(299)).toBe('accepted');
    // the same header is fresh for a receiver whose clock is 2 s earlier
    const header = sign(succeeded, nowSeconds - 301);
    expect(provider.parseWebhook(succeeded, { 'stripe-signature': header }, new Date(now.getTime() - 2_000)).eventId).toBe('evt_1');
  });

  it('a correctly signed body that is not JSON is WEBHOOK_INVALID_PAYLOAD', () => {
    expect(invalid(() => provider.parseWebhook('not json', { 'stripe-signature': sign('not json') }, now))).toBe('WEBHOOK_INVALID_PAYLOAD');
  });

  it('without a webhook secret every webhook is WEBHOOK_UNVERIFIED', () => {
    const unconfigured = new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl: 'http://127.0.0.1:9' });
    expect(invalid(() => unconfigured.parseWebhook(succeeded, { 'stripe-signature': sign(succeeded) }, now))).toBe('WEBHOOK_UNVERIFIED');
  });
});
