import { err } from '@dictamesh/runtime';

const MINOR = /^-?\d+$/;

/**
 * Decimals of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), as the platform's ICU data has them
 * (`Intl.NumberFormat(…).resolvedOptions().maximumFractionDigits`).
 * @throws DictaMeshError `BAD_USER_INPUT` for a code that is not a well-formed currency code
 */
export function currencyExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw err('BAD_USER_INPUT', `Not a currency code: ${JSON.stringify(currency)}`, { field: 'currency' });
  }
}

/**
 * Formats an amount of integer minor units as `<CODE> <major>.<minor>` with the currency's
 * decimals and no grouping: `formatMoney('60194', 'EUR')` → `EUR 601.94`, `('1500', 'JPY')` →
 * `JPY 1500`, `('-5', 'USD')` → `USD -0.05`. Exact (BigInt arithmetic, any size).
 * @param minor integer minor units as a decimal string (billing events' `*Minor` fields)
 * @throws DictaMeshError `BAD_USER_INPUT` when `minor` is not an integer or `currency` not a currency code
 */
export function formatMoney(minor: string, currency: string): string {
  if (!MINOR.test(minor)) throw err('BAD_USER_INPUT', `Not an amount of minor units: ${JSON.stringify(minor)}`, { field: 'amount' });
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const value = BigInt(minor);
  const magnitude = (value < 0n ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = magnitude.slice(0, magnitude.length - exponent);
  const fraction = exponent > 0 ? `.${magnitude.slice(magnitude.length - exponent)}` : '';
  return `${code} ${value < 0n ? '-' : ''}${whole}${fraction}`;
}
