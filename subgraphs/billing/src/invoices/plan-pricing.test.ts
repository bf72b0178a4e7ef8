import { describe, expect, it } from 'vitest';
import { toPricedPlan, planMetricCodes } from './plan-pricing';

const dec = (s: string) => ({ toFixed: () => s });

describe('toPricedPlan', () => {
  it('maps Decimal columns to strings, orders charges by position and validates their pricing', () => {
    const plan = toPricedPlan({
      name: 'Growth',
      currency: 'EUR',
      fixedAmount: dec('29.5'),
      minimumCommitment: null,
      charges: [
        {
          id: 'c2',
          metricCode: 'storage_gb',
          description: 'Storage',
          pricing: { model: 'standard', unitPrice: '0.1', extra: 1 },
          includedUnits: null,
          position: 2,
        },
        {
          id: 'c1',
          metricCode: 'graphql_operations',
          description: 'Ops',
          pricing: { model: 'package', packageSize: 1000, packagePrice: '1' },
          includedUnits: dec('5000'),
          position: 1,
        },
      ],
    });
    expect(plan).toEqual({
      currency: { code: 'EUR', exponent: 2 },
      name: 'Growth',
      fixedAmount: '29.5',
      charges: [
        {
          id: 'c1',
          metricCode: 'graphql_operations',
          description: 'Ops',
          pricing: { model: 'package', packageSize: 1000, packagePrice: '1' },
          includedUnits: '5000',
        },
        { id: 'c2', metricCode: 'storage_gb', description: 'Storage', pricing: { model: 'standard', unitPrice: '0.1' } },
      ],
    });
    expect(planMetricCodes(plan)).toEqual(['graphql_operations', 'storage_gb']);
    expect(
      toPricedPlan({ name: 'x', currency: 'JPY', fixedAmount: dec('0'), minimumCommitment: dec('1000'), charges: [] }).minimumCommitment,
    ).toBe('1000');
  });

  it('names the charge whose pricing is invalid', () => {
    expect(() =>
      toPricedPlan({
        name: 'Broken',
        currency: 'USD',
        fixedAmount: dec('1'),
        minimumCommitment: null,
        charges: [
          {
            id: 'bad',
            metricCode: 'cost_units',
            description: 'Cost',
            pricing: { model: 'standard', unitPrice: 2 },
            includedUnits: null,
            position: 1,
          },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: 'PRICING_INVALID', details: expect.objectContaining({ chargeId: 'bad' }) }));
  });
});
