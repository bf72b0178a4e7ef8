import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../../test/local-server';
import type { CollectRequest } from './provider';
import { StripePaymentProvider } from './stripe';

// What stripe-mock cannot show (it keeps no state and never declines): the outcomes of Stripe's
// answers, from a loopback stand-in that answers each request with the body the test sets.
let stripe: LocalServer;
beforeAll(async () => {
  stripe = await startLocalServer();
});
afterAll(() => stripe.close());

const answer = (byPath: Record<string, { status: number; body: unknown }>) =>
  stripe.handle((req: IncomingMessage, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const found = byPath[path];
    req.resume();
    req.on('end', () =>
      found ? json(res, found.status, found.body) : json(res, 404, { error: { type: 'invalid_request_error', message: 'no route' } }),
    );
  });

const provider = () => new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl: stripe.url, maxNetworkRetries: 0 });
const request: CollectRequest = {
  invoiceId: 'inv_01',
  orgId: 'acme',
  invoiceNumber: 'INV-2026-000042',
  amountMinor: 12_345n,
  currency: 'USD',
  customer: { email: null, name: 'Acme Ltd', providerCustomerId: 'cus_1' },
  idempotencyKey: 'collect:inv_01:1',
};
const intent = (status: string, extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: { id: 'pi_1', object: 'payment_intent', amount: 12_345, currency: 'usd', status, last_payment_error: null, ...extra },
});

describe('StripePaymentProvider outcomes', () => {
  it('maps the PaymentIntent status: succeeded, processing and requires_action pending, canceled failed', async () => {
    answer({ '/v1/payment_intents': intent('succeeded') });
    expect(await provider().collect(request)).toEqual({ providerRef: 'pi_1', status: 'succeeded' });
    answer({ '/v1/payment_intents': intent('processing') });
    expect(await provider().collect(request)).toEqual({ providerRef: 'pi_1', status: 'pending' });
    answer({ '/v1/payment_intents': intent('requires_action') });
    expect(await provider().collect(request)).toEqual({ providerRef: 'pi_1', status: 'pending' });
    answer({ '/v1/payment_intents': intent('canceled') });
    expect(await provider().collect(request)).toEqual({ providerRef: 'pi_1', status: 'failed', failureMessage: 'PaymentIntent canceled.' });
  });

  it('a card declined is a failed collection with Stripe message, the PaymentIntent and the customer created', async () => {
    answer({
      '/v1/customers': { status: 200, body: { id: 'cus_new', object: 'customer' } },
      '/v1/payment_intents': {
        status: 402,
        body: {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'insufficient_funds',
            message: 'Your card has insufficient funds.',
            payment_intent: { id: 'pi_declined', object: 'payment_intent', status: 'requires_payment_method' },
          },
        },
      },
    });
    expect(await provider().collect({ ...request, customer: { ...request.customer, providerCustomerId: null } })).toEqual({
      providerRef: 'pi_declined',
      status: 'failed',
      failureMessage: 'Your card has insufficient funds.',
      providerCustomerId: 'cus_new',
    });
  });

  it('another error Stripe answers (500) is PAYMENT_PROVIDER_FAILED', async () => {
    answer({ '/v1/payment_intents': { status: 500, body: { error: { type: 'api_error', message: 'Something went wrong on our end.' } } } });
    await expect(provider().collect(request)).rejects.toMatchObject({
      code: 'PAYMENT_PROVIDER_FAILED',
      message: 'Stripe: Something went wrong on our end.',
      details: { provider: 'stripe', type: 'StripeAPIError', statusCode: 500 },
    });
  });

  it('maps the refund status: pending pending, failed and canceled failed', async () => {
    const refund = { providerRef: 'pi_1', amountMinor: 100n, currency: 'USD', idempotencyKey: 'refund:1' };
    for (const [status, expected] of [
      ['pending', 'pending'],
      ['requires_action', 'pending'],
      ['failed', 'failed'],
      ['canceled', 'failed'],
      ['succeeded', 'succeeded'],
    ] as const) {
      answer({ '/v1/refunds': { status: 200, body: { id: 're_1', object: 'refund', amount: 100, status } } });
      expect(await provider().refund(refund)).toEqual({ refundRef: 're_1', status: expected });
    }
  });

  it('the API URL must be http(s)://host[:port]', () => {
    const make = (apiBaseUrl: string) => () => new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl });
    expect(make('api.stripe.com')).toThrow(expect.objectContaining({ code: 'PAYMENT_PROVIDER_FAILED' }));
    expect(make('ftp://api.stripe.com')).toThrow(expect.objectContaining({ code: 'PAYMENT_PROVIDER_FAILED' }));
    expect(make('https://api.stripe.com/v1')).toThrow(expect.objectContaining({ code: 'PAYMENT_PROVIDER_FAILED' }));
    expect(make('https://api.stripe.com')).not.toThrow();
  });
});
