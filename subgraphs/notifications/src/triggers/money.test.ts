import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney } from './money';

describe('formatMoney', () => {
  it.each([
    ['60194', 'EUR', 'EUR 601.94'],
    ['5', 'USD', 'USD 0.05'],
    ['0', 'usd', 'USD 0.00'],
    ['-595', 'USD', 'USD -5.95'],
    ['1500', 'JPY', 'JPY 1500'],
    ['1234', 'KWD', 'KWD 1.234'],
    ['123456789012345678901234567890', 'EUR', 'EUR 1234567890123456789012345678.90'],
  ])('%s minor units of %s → %s', (minor, currency, expected) => {
    expect(formatMoney(minor, currency)).toBe(expected);
  });

  it('refuses what is not an amount of minor units or a currency code', () => {
    expect(() => formatMoney('1.5', 'EUR')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'amount' } }));
    expect(() => formatMoney('', 'EUR')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => formatMoney('100', 'EURO')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'currency' } }));
  });

  it('reads decimals from the ICU currency data', () => {
    expect(['EUR', 'JPY', 'KWD', 'CLF'].map(currencyExponent)).toEqual([2, 0, 3, 4]);
  });
});
