import { describe, expect, it } from 'vitest';
import { currency } from '../money';
import { type Charge, type ChargeModel, priceCharge, validateChargeModel } from './charge-models';

const USD = currency('USD');
const JPY = currency('JPY');
const KWD = currency('KWD');

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown>; message: string };
  }
  throw new Error('expected a refusal');
};
const charge = (pricing: ChargeModel, includedUnits?: string): Charge => ({
  id: 'c1',
  metricCode: 'api_calls',
  description: 'API calls',
  pricing,
  ...(includedUnits === undefined ? {} : { includedUnits }),
});
/** Exact amount (currency units) and rounded minor units of a charge over a quantity. */
const price = (pricing: ChargeModel, quantity: string, cur = USD, includedUnits?: string) => {
  const result = priceCharge(charge(pricing, includedUnits), quantity, cur);
  return [result.amount.toFixed(), result.amountMinor] as const;
};

const graduated: ChargeModel = {
  model: 'graduated',
  tiers: [
    { upTo: '10', unitPrice: '10', flatFee: '2' },
    { upTo: '20', unitPrice: '5', flatFee: '3' },
    { upTo: null, unitPrice: '5', flatFee: '3' },
  ],
};
const volume: ChargeModel = {
  model: 'volume',
  tiers: [
    { upTo: '100', unitPrice: '2', flatFee: '10' },
    { upTo: '200', unitPrice: '1', flatFee: '0' },
    { upTo: null, unitPrice: '0.5', flatFee: '50' },
  ],
};
const percentage: ChargeModel = {
  model: 'graduated_percentage',
  tiers: [
    { upTo: '1000', rate: '2.5', flatFee: '0.30' },
    { upTo: '10000', rate: '1.5', flatFee: '0' },
    { upTo: null, rate: '1', flatFee: '0' },
  ],
};

describe('priceCharge: graduated', () => {
  it('prices each unit in its tier, adding the flat fee of every tier entered (the first even at 0 units)', () => {
    expect(price(graduated, '0')).toEqual(['2', 200n]);
    expect(price(graduated, '1')).toEqual(['12', 1200n]);
    expect(price(graduated, '10')).toEqual(['102', 10200n]);
    expect(price(graduated, '11')).toEqual(['110', 11000n]);
    expect(price(graduated, '12')).toEqual(['115', 11500n]);
    expect(price(graduated, '21')).toEqual(['163', 16300n]);
  });

  it('details the tiers gone through and shows amount ÷ units as the unit price', () => {
    const result = priceCharge(charge(graduated), '21', USD);
    expect(result.tiers).toEqual([
      { from: '0', to: '10', units: '10', unitPrice: '10', flatFee: '2', amount: '102' },
      { from: '10', to: '20', units: '10', unitPrice: '5', flatFee: '3', amount: '53' },
      { from: '20', to: null, units: '1', unitPrice: '5', flatFee: '3', amount: '8' },
    ]);
    // 163 / 21 = 7.761904… → 5 decimals half-even
    expect(result.unitPrice).toBe('7.7619');
    expect(priceCharge(charge(graduated), '0', USD)).toMatchObject({
      unitPrice: '10',
      tiers: [{ from: '0', to: '10', units: '0', unitPrice: '10', flatFee: '2', amount: '2' }],
    });
  });

  it('deducts included units before the tiers, and never below 0', () => {
    // 15 − 5 = 10 billable units → 10 × 10 + 2
    expect(priceCharge(charge(graduated, '5'), '15', USD)).toMatchObject({ quantity: '15', billableQuantity: '10', amountMinor: 10200n });
    expect(priceCharge(charge(graduated, '5'), '3', USD)).toMatchObject({ quantity: '3', billableQuantity: '0', amountMinor: 200n });
  });

  it('prices fractional units (storage GB) across a tier bound', () => {
    // 10.5 GB: 10 × 10 + 2, then 0.5 × 5 + 3 = 5.5 → 107.5
    expect(price(graduated, '10.5')).toEqual(['107.5', 10750n]);
  });
});

describe('priceCharge: volume', () => {
  it('prices every unit at the tier the total falls in, plus that tier’s flat fee', () => {
    expect(price(volume, '0')).toEqual(['10', 1000n]);
    expect(price(volume, '1')).toEqual(['12', 1200n]);
    expect(price(volume, '100')).toEqual(['210', 21000n]);
    expect(price(volume, '200')).toEqual(['200', 20000n]);
    expect(price(volume, '300')).toEqual(['200', 20000n]);
    // just above a bound: the next tier, 100.5 × 1 + 0
    expect(price(volume, '100.5')).toEqual(['100.5', 10050n]);
  });

  it('lists the one tier used', () => {
    expect(priceCharge(charge(volume), '300', USD)).toMatchObject({
      unitPrice: '0.66667',
      tiers: [{ from: '200', to: null, units: '300', unitPrice: '0.5', flatFee: '50', amount: '200' }],
    });
  });
});

describe('priceCharge: package', () => {
  const pkg: ChargeModel = { model: 'package', packageSize: 10, packagePrice: '100' };
  it('charges every started package (rounded up), after the included units', () => {
    expect(price(pkg, '121')).toEqual(['1300', 130000n]);
    expect(price(pkg, '121', USD, '10')).toEqual(['1200', 120000n]);
    expect(price(pkg, '120')).toEqual(['1200', 120000n]);
    expect(price(pkg, '0')).toEqual(['0', 0n]);
    expect(price(pkg, '0.1')).toEqual(['100', 10000n]);
  });

  it('shows amount ÷ billable units as the unit price (packagePrice ÷ size at 0)', () => {
    expect(priceCharge(charge(pkg), '121', USD)).toMatchObject({ unitPrice: '10.7438', tiers: [] }); // 1300 / 121
    expect(priceCharge(charge(pkg, '10'), '121', USD)).toMatchObject({ billableQuantity: '111', unitPrice: '10.81081' }); // 1200 / 111
    expect(priceCharge(charge(pkg), '0', USD).unitPrice).toBe('10');
  });
});

describe('priceCharge: graduated_percentage', () => {
  it('charges a rate of the amount in each tier, plus the flat fee of every tier entered', () => {
    expect(price(percentage, '0')).toEqual(['0.3', 30n]);
    // 500 × 2.5 % + 0.30
    expect(price(percentage, '500')).toEqual(['12.8', 1280n]);
    expect(price(percentage, '1000')).toEqual(['25.3', 2530n]);
    // 25.30 + 4000 × 1.5 %
    expect(price(percentage, '5000')).toEqual(['85.3', 8530n]);
    // 25.30 + 9000 × 1.5 % + 10000 × 1 %
    expect(price(percentage, '20000')).toEqual(['260.3', 26030n]);
    // 123.45 × 2.5 % = 3.08625, + 0.30 = 3.38625 → 338.625 cents → 339
    expect(price(percentage, '123.45')).toEqual(['3.38625', 339n]);
  });

  it('details each tier with rate / 100 as its unit price', () => {
    expect(priceCharge(charge(percentage), '5000', USD).tiers).toEqual([
      { from: '0', to: '1000', units: '1000', unitPrice: '0.025', flatFee: '0.3', amount: '25.3' },
      { from: '1000', to: '10000', units: '4000', unitPrice: '0.015', flatFee: '0', amount: '60' },
    ]);
  });
});

describe('priceCharge: standard and flat fee', () => {
  const perOperation: ChargeModel = { model: 'standard', unitPrice: '0.00125' };
  it('multiplies exactly at 5 decimals and rounds once, half-even, to the minor unit', () => {
    expect(priceCharge(charge(perOperation), '1234567', USD)).toMatchObject({ unitPrice: '0.00125', amountMinor: 154321n, tiers: [] });
    expect(priceCharge(charge(perOperation), '1234567', USD).amount.toFixed()).toBe('1543.20875');
    // KWD has 3 decimals: 1543.20875 → 1543208.75 fils → 1543209
    expect(price(perOperation, '1234567', KWD)).toEqual(['1543.20875', 1543209n]);
    // storage: 12.5 GB × 0.023 = 0.2875 → 28.75 cents → 29
    expect(price({ model: 'standard', unitPrice: '0.023' }, '12.5')).toEqual(['0.2875', 29n]);
  });

  it('rounds ties to the even minor unit (JPY 0 decimals, KWD 3)', () => {
    const halfYen: ChargeModel = { model: 'standard', unitPrice: '0.5' };
    expect(price(halfYen, '5', JPY)).toEqual(['2.5', 2n]);
    expect(price(halfYen, '7', JPY)).toEqual(['3.5', 4n]);
    expect(price({ model: 'standard', unitPrice: '0.0125' }, '1', KWD)).toEqual(['0.0125', 12n]);
    expect(price({ model: 'standard', unitPrice: '0.0135' }, '1', KWD)).toEqual(['0.0135', 14n]);
  });

  it('charges a flat fee once whatever the quantity', () => {
    const fee: ChargeModel = { model: 'flat_fee', amount: '49.99' };
    expect(priceCharge(charge(fee), '0', USD)).toMatchObject({
      quantity: '1',
      billableQuantity: '1',
      unitPrice: '49.99',
      amountMinor: 4999n,
    });
    expect(priceCharge(charge(fee), '12', USD).amountMinor).toBe(4999n);
  });

  it('refuses a negative or non-numeric quantity (QUANTITY_INVALID), an invalid allowance or model (PRICING_INVALID)', () => {
    expect(failure(() => priceCharge(charge(perOperation), '-1', USD))).toMatchObject({
      code: 'QUANTITY_INVALID',
      details: { field: 'quantity' },
    });
    expect(failure(() => priceCharge(charge(perOperation), 'ten', USD))).toMatchObject({ code: 'QUANTITY_INVALID' });
    expect(failure(() => priceCharge(charge(perOperation, '-5'), '1', USD))).toMatchObject({
      code: 'PRICING_INVALID',
      details: { field: 'includedUnits', problems: ['includedUnits must not be negative'] },
    });
    expect(failure(() => priceCharge(charge({ model: 'standard', unitPrice: '0.000001' }), '1', USD))).toMatchObject({
      code: 'PRICING_INVALID',
      details: { problems: ['unitPrice has more than 5 decimals'] },
    });
  });
});

describe('validateChargeModel', () => {
  it('returns a copy holding only the model’s fields', () => {
    expect(validateChargeModel({ model: 'standard', unitPrice: '0.00125', extra: 1 })).toEqual({ model: 'standard', unitPrice: '0.00125' });
    expect(validateChargeModel(JSON.parse(JSON.stringify(graduated)))).toEqual(graduated);
    expect(validateChargeModel({ model: 'package', packageSize: 10, packagePrice: '100' })).toEqual({
      model: 'package',
      packageSize: 10,
      packagePrice: '100',
    });
  });

  it('lists every problem of the tiers: bounds increasing, last one open, prices ≥ 0 with at most 5 decimals', () => {
    const refused = failure(() =>
      validateChargeModel({
        model: 'graduated',
        tiers: [
          { upTo: '10', unitPrice: '0.123456', flatFee: '-1' },
          { upTo: '5', unitPrice: '1', flatFee: '0' },
        ],
      }),
    );
    expect(refused).toMatchObject({
      code: 'PRICING_INVALID',
      details: {
        field: 'pricing',
        problems: [
          'tiers[0].unitPrice has more than 5 decimals',
          'tiers[0].flatFee must not be negative',
          'tiers[1].upTo must be greater than tiers[0].upTo',
          'tiers[1].upTo must be null: the last tier has no upper bound',
        ],
      },
    });
    expect(
      failure(() =>
        validateChargeModel({
          model: 'volume',
          tiers: [
            { upTo: null, unitPrice: '1', flatFee: '0' },
            { upTo: null, unitPrice: 1, flatFee: '0' },
          ],
        }),
      ).details.problems,
    ).toEqual(['tiers[0].upTo may be null only on the last tier', 'tiers[1].unitPrice must be a decimal string']);
    expect(failure(() => validateChargeModel({ model: 'volume', tiers: [] })).details.problems).toEqual([
      'tiers must be a non-empty array',
    ]);
    expect(
      failure(() =>
        validateChargeModel({
          model: 'graduated_percentage',
          tiers: [
            { upTo: '0', rate: '101', flatFee: '0' },
            { upTo: null, rate: '1', flatFee: '0' },
          ],
        }),
      ).details.problems,
    ).toEqual(['tiers[0].upTo must be greater than 0', 'tiers[0].rate must be at most 100 (percent)']);
  });

  it('refuses an unknown model, a package size that is not a positive integer, a missing amount', () => {
    expect(failure(() => validateChargeModel({ model: 'tiered' })).details.problems).toEqual([
      'model must be one of standard, graduated, volume, package, graduated_percentage, flat_fee',
    ]);
    expect(failure(() => validateChargeModel(null)).code).toBe('PRICING_INVALID');
    expect(failure(() => validateChargeModel({ model: 'package', packageSize: 2.5, packagePrice: '1' })).details.problems).toEqual([
      'packageSize must be a positive integer',
    ]);
    expect(failure(() => validateChargeModel({ model: 'package', packageSize: 0, packagePrice: '-1' })).details.problems).toEqual([
      'packageSize must be a positive integer',
      'packagePrice must not be negative',
    ]);
    expect(failure(() => validateChargeModel({ model: 'flat_fee' })).details.problems).toEqual(['amount must be a decimal string']);
  });
});
