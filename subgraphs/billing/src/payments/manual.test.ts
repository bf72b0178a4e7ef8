import { describe, expect, it } from 'vitest';
import { ManualPaymentProvider } from './manual';
import { PaymentProviders } from './provider';
import { StripePaymentProvider } from './stripe';

const manual = new ManualPaymentProvider();
const request = {
  invoiceId: 'inv_01',
  orgId: 'acme',
  invoiceNumber: 'INV-2026-000042',
  amountMinor: 12_345n,
  currency: 'EUR',
  customer: { email: null, name: 'Acme Ltd', providerCustomerId: null },
  idempotencyKey: 'collect:inv_01:1',
};

describe('ManualPaymentProvider', () => {
  it('leaves the collection pending under the invoice number, for an operator to record', async () => {
    expect(manual.name).toBe('manual');
    expect(await manual.collect(request)).toEqual({ providerRef: 'manual:INV-2026-000042', status: 'pending' });
  });

  it('records a refund as made, under its idempotency key', async () => {
    expect(
      await manual.refund({ providerRef: 'manual:INV-2026-000042', amountMinor: 500n, currency: 'EUR', idempotencyKey: 'refund:inv_01:1' }),
    ).toEqual({ refundRef: 'manual-refund:refund:inv_01:1', status: 'succeeded' });
  });

  it('refuses an amount that is not positive and a currency that is not ISO 4217', async () => {
    await expect(manual.collect({ ...request, amountMinor: 0n })).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
    await expect(manual.collect({ ...request, amountMinor: -1n })).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
    await expect(manual.collect({ ...request, amountMinor: 9_007_199_254_740_992n })).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
    expect(await manual.collect({ ...request, amountMinor: 9_007_199_254_740_991n })).toMatchObject({ status: 'pending' });
    await expect(manual.collect({ ...request, currency: 'EURO' })).rejects.toMatchObject({ code: 'CURRENCY_UNKNOWN' });
    await expect(
      manual.refund({ providerRef: 'manual:INV-1', amountMinor: 0n, currency: 'EUR', idempotencyKey: 'k' }),
    ).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
  });

  it('has no webhooks', () => {
    expect((manual as { parseWebhook?: unknown }).parseWebhook).toBeUndefined();
  });
});

describe('PaymentProviders', () => {
  const stripe = new StripePaymentProvider({ secretKey: 'sk_test_dictamesh', apiBaseUrl: 'http://127.0.0.1:9' });
  const providers = new PaymentProviders([manual, stripe]);

  it('finds a configured provider by name', () => {
    expect(providers.get('manual')).toBe(manual);
    expect(providers.get('stripe')).toBe(stripe);
    expect(providers.names()).toEqual(['manual', 'stripe']);
    expect(providers.has('stripe')).toBe(true);
  });

  it('an unknown or unconfigured name is PAYMENT_PROVIDER_UNKNOWN', () => {
    expect(() => providers.get('paypal')).toThrow(
      expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNKNOWN', details: { provider: 'paypal', configured: ['manual', 'stripe'] } }),
    );
    expect(() => new PaymentProviders([manual]).get('stripe')).toThrow(expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNKNOWN' }));
    expect(new PaymentProviders().has('manual')).toBe(false);
  });
});
