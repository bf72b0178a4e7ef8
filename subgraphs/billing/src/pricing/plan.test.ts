import { describe, expect, it } from 'vitest';
import { currency } from '../money';
import { computeInvoice } from './invoice-calc';
import { type PricedPlan, minimumCommitmentMinor, priceUsage } from './plan';

const USD = currency('USD');
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};

const plan: PricedPlan = {
  currency: USD,
  name: 'Pro',
  fixedAmount: '29',
  charges: [
    {
      id: 'api',
      metricCode: 'api_calls',
      description: 'API calls',
      pricing: { model: 'standard', unitPrice: '0.00125' },
      includedUnits: '1000',
    },
    { id: 'storage', metricCode: 'storage_gb', description: 'Storage', pricing: { model: 'standard', unitPrice: '0.023' } },
    {
      id: 'seats',
      metricCode: 'seats',
      description: 'Seats',
      pricing: {
        model: 'graduated',
        tiers: [
          { upTo: '10', unitPrice: '10', flatFee: '2' },
          { upTo: null, unitPrice: '5', flatFee: '3' },
        ],
      },
    },
    { id: 'support', metricCode: null, description: 'Support', pricing: { model: 'flat_fee', amount: '15' } },
  ],
};

describe('priceUsage', () => {
  it('gives the fixed line first, then one line per charge in order', () => {
    const lines = priceUsage(plan, { api_calls: '1001000', storage_gb: '12.5', seats: '11', unbilled: '99' });
    expect(lines.map((l) => [l.kind, l.description, l.metricCode, l.quantity, l.unitPrice, l.amountMinor])).toEqual([
      ['fixed', 'Pro', null, '1', '29', 2900n],
      // (1,001,000 − 1,000) × 0.00125 = 1250
      ['usage', 'API calls', 'api_calls', '1001000', '0.00125', 125000n],
      // 12.5 × 0.023 = 0.2875 → 0.29
      ['usage', 'Storage', 'storage_gb', '12.5', '0.023', 29n],
      // 10 × 10 + 2 + 1 × 5 + 3 = 110; 110 / 11 = 10
      ['usage', 'Seats', 'seats', '11', '10', 11000n],
      ['fixed', 'Support', null, '1', '15', 1500n],
    ]);
    expect(lines[3]!.tiers).toHaveLength(2);
    expect(lines[1]!.tiers).toBeUndefined();
  });

  it('counts a metric without usage as 0: a zero period gives the fixed lines and usage lines of 0', () => {
    const lines = priceUsage({ ...plan, charges: plan.charges.filter((c) => c.id !== 'seats') }, {});
    expect(lines.map((l) => [l.kind, l.quantity, l.amountMinor])).toEqual([
      ['fixed', '1', 2900n],
      ['usage', '0', 0n],
      ['usage', '0', 0n],
      ['fixed', '1', 1500n],
    ]);
    const invoice = computeInvoice({ currency: USD, lines, credits: [], tax: { jurisdiction: 'DE', name: 'VAT', ratePercent: '19' } });
    // 19 % of 29.00 = 5.51, of 15.00 = 2.85
    expect(invoice).toMatchObject({ subtotalMinor: 4400n, taxMinor: 836n, totalMinor: 5236n });
    // a graduated first tier still charges its flat fee at 0
    expect(priceUsage(plan, {})[3]).toMatchObject({ quantity: '0', amountMinor: 200n });
  });

  it('refuses a metered charge without a metric (PRICING_INVALID) and a negative quantity (QUANTITY_INVALID)', () => {
    const broken: PricedPlan = {
      ...plan,
      charges: [{ id: 'x', metricCode: null, description: 'X', pricing: { model: 'standard', unitPrice: '1' } }],
    };
    expect(failure(() => priceUsage(broken, {}))).toMatchObject({ code: 'PRICING_INVALID', details: { chargeId: 'x' } });
    expect(failure(() => priceUsage(plan, { storage_gb: '-1' }))).toMatchObject({
      code: 'QUANTITY_INVALID',
      details: { field: 'quantity' },
    });
  });
});

describe('minimumCommitmentMinor', () => {
  it('converts the plan’s minimum to minor units of its currency', () => {
    expect(minimumCommitmentMinor({ currency: USD, minimumCommitment: '100' })).toBe(10000n);
    expect(minimumCommitmentMinor({ currency: currency('JPY'), minimumCommitment: '1000' })).toBe(1000n);
    expect(minimumCommitmentMinor({ currency: USD })).toBeUndefined();
  });
});
