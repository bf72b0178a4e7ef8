import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { DictaMeshError } from '@dictamesh/runtime';
import { json, startLocalServer, type LocalServer } from '../../../../test/local-server';
import type { CollectRequest } from './provider';
import { StripePaymentProvider } from './stripe';

// The provider against the real stripe-mock (scripts/stripe-mock.sh), which checks every request
// against Stripe's OpenAPI spec (an unknown or mistyped parameter is a 400) and answers with
// fixtures that echo some of the parameters. A recording loopback proxy in front of it keeps the
// exact form bodies and headers the SDK sent, so the tests assert what went to Stripe too.
interface Sent {
  method: string;
  path: string;
  form: Record<string, string>;
  idempotencyKey: string | undefined;
  stripeVersion: string | undefined;
}
let proxy: LocalServer;
let sent: Sent[] = [];

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });

beforeAll(async () => {
  const stripeMock = inject('stripeMockUrl');
  proxy = await startLocalServer();
  proxy.handle(async (req, res) => {
    const body = await readBody(req);
    sent.push({
      method: req.method ?? '',
      path: req.url ?? '',
      form: Object.fromEntries(new URLSearchParams(body)),
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      stripeVersion: req.headers['stripe-version'] as string | undefined,
    });
    const answer = await fetch(`${stripeMock}${req.url}`, {
      method: req.method ?? 'GET',
      headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? '' },
      ...(req.method === 'POST' ? { body } : {}),
    });
    json(res, answer.status, await answer.json());
  });
});
afterAll(() => proxy.close());
beforeEach(() => {
  sent = [];
});

const provider = () => new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl: proxy.url, maxNetworkRetries: 0 });

const request: CollectRequest = {
  invoiceId: 'inv_01',
  orgId: 'acme',
  invoiceNumber: 'INV-2026-000042',
  amountMinor: 12_345n,
  currency: 'USD',
  customer: { email: 'billing@acme.test', name: 'Acme Ltd', providerCustomerId: null },
  idempotencyKey: 'collect:inv_01:1',
};

describe('StripePaymentProvider against stripe-mock', () => {
  it('creates the customer, then confirms an off-session PaymentIntent with the invoice in its metadata', async () => {
    const result = await provider().collect(request);

    expect(result.providerRef).toMatch(/^pi_\w+$/);
    expect(result.providerCustomerId).toMatch(/^cus_\w+$/);
    // stripe-mock's PaymentIntent fixture stays `requires_payment_method`: still pending
    expect(result.status).toBe('pending');
    expect(result.failureMessage).toBeUndefined();

    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /v1/customers', 'POST /v1/payment_intents']);
    expect(sent[0]).toEqual({
      method: 'POST',
      path: '/v1/customers',
      form: { email: 'billing@acme.test', name: 'Acme Ltd', 'metadata[org_id]': 'acme' },
      idempotencyKey: 'collect:inv_01:1:customer',
      stripeVersion: Stripe.API_VERSION,
    });
    expect(sent[1]).toEqual({
      method: 'POST',
      path: '/v1/payment_intents',
      form: {
        amount: '12345',
        currency: 'usd',
        customer: result.providerCustomerId,
        confirm: 'true',
        off_session: 'true',
        payment_method: 'pm_card_visa',
        'metadata[invoice_id]': 'inv_01',
        'metadata[org_id]': 'acme',
        'metadata[invoice_number]': 'INV-2026-000042',
      },
      idempotencyKey: 'collect:inv_01:1',
      stripeVersion: Stripe.API_VERSION,
    });
  });

  it('charges a known customer directly, a zero-decimal currency (JPY) in yen as they are', async () => {
    const result = await provider().collect({
      ...request,
      amountMinor: 1_200n,
      currency: 'JPY',
      customer: { email: null, name: 'Acme KK', providerCustomerId: 'cus_known' },
    });

    expect(result.providerRef).toMatch(/^pi_\w+$/);
    expect(result.providerCustomerId).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe('/v1/payment_intents');
    expect(sent[0]!.form).toMatchObject({ amount: '1200', currency: 'jpy', customer: 'cus_known' });
  });

  it('uses the configured payment method', async () => {
    const custom = new StripePaymentProvider({
      secretKey: 'sk_test_dictamesh',
      apiBaseUrl: proxy.url,
      maxNetworkRetries: 0,
      paymentMethod: 'pm_card_mastercard',
    });
    await custom.collect({ ...request, customer: { ...request.customer, providerCustomerId: 'cus_known' } });
    expect(sent[0]!.form.payment_method).toBe('pm_card_mastercard');
  });

  it('refunds part of a PaymentIntent', async () => {
    const result = await provider().refund({
      providerRef: 'pi_123',
      amountMinor: 500n,
      currency: 'USD',
      reason: 'duplicate line',
      idempotencyKey: 'refund:inv_01:1',
    });

    expect(result.refundRef).toMatch(/^re_\w+$/);
    expect(result.status).toBe('succeeded'); // stripe-mock's Refund fixture
    expect(sent).toEqual([
      {
        method: 'POST',
        path: '/v1/refunds',
        form: { payment_intent: 'pi_123', amount: '500', 'metadata[reason]': 'duplicate line' },
        idempotencyKey: 'refund:inv_01:1',
        stripeVersion: Stripe.API_VERSION,
      },
    ]);
  });

  it('talks to stripe-mock directly as well (no proxy in between)', async () => {
    const direct = new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl: inject('stripeMockUrl'), maxNetworkRetries: 0 });
    const result = await direct.collect(request);
    expect(result.providerRef).toMatch(/^pi_\w+$/);
    expect(result.providerCustomerId).toMatch(/^cus_\w+$/);
  });

  it('a request Stripe rejects (a key that is not a secret key: 401) is PAYMENT_PROVIDER_FAILED, and no customer is left behind', async () => {
    const unauthorized = new StripePaymentProvider({ secretKey: 'not-a-key', apiBaseUrl: proxy.url, maxNetworkRetries: 0 });
    const error = (await unauthorized.collect(request).catch((e: unknown) => e)) as DictaMeshError;
    expect(error.code).toBe('PAYMENT_PROVIDER_FAILED');
    expect(error.details).toMatchObject({ provider: 'stripe', type: 'StripeAuthenticationError', statusCode: 401 });
    expect(sent.map((s) => s.path)).toEqual(['/v1/customers']);
  });

  it('an amount Stripe cannot take is refused before any request', async () => {
    await expect(provider().refund({ providerRef: 'pi_123', amountMinor: 0n, currency: 'USD', idempotencyKey: 'k' })).rejects.toMatchObject(
      {
        code: 'QUANTITY_INVALID',
      },
    );
    await expect(provider().collect({ ...request, currency: 'XYZ' })).rejects.toMatchObject({ code: 'CURRENCY_UNKNOWN' });
    expect(sent).toEqual([]);
  });

  it('a port where nothing listens is PAYMENT_PROVIDER_FAILED', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));

    const down = new StripePaymentProvider({
      secretKey: 'sk_test_dictamesh',
      apiBaseUrl: `http://127.0.0.1:${port}`,
      maxNetworkRetries: 0,
    });
    const error = (await down.collect(request).catch((e: unknown) => e)) as DictaMeshError;
    expect(error.code).toBe('PAYMENT_PROVIDER_FAILED');
    expect(error.details).toMatchObject({ provider: 'stripe', type: 'StripeConnectionError', statusCode: null });
    await expect(down.refund({ providerRef: 'pi_123', amountMinor: 1n, currency: 'USD', idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'PAYMENT_PROVIDER_FAILED',
    });
  });
});
