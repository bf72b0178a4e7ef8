import * as iso4217 from 'dinero.js/currencies';
import { err } from '@dictamesh/runtime';

/**
 * An ISO 4217 currency: its alphabetic code and its exponent (digits of the minor unit: JPY 0,
 * USD 2, KWD 3). The table is dinero.js's, which tracks the ISO 4217 list maintained by SIX.
 */
export interface Currency {
  /** ISO 4217 alphabetic code, upper case (`USD`). */
  readonly code: string;
  /** Decimal digits of the minor unit (`2`: amounts are counted in cents). */
  readonly exponent: number;
}

const CURRENCIES: ReadonlyMap<string, Currency> = new Map(
  Object.values(iso4217 as Record<string, { code: string; base: number | readonly number[]; exponent: number }>)
    .filter((c) => c.base === 10)
    .map((c) => [c.code, Object.freeze({ code: c.code, exponent: c.exponent })]),
);

/**
 * The currency of an ISO 4217 code (case-insensitive).
 * @throws DictaMeshError `CURRENCY_UNKNOWN` when the code is not an ISO 4217 decimal currency
 */
export function currency(code: string): Currency {
  const found = CURRENCIES.get(code.toUpperCase());
  if (!found) throw err('CURRENCY_UNKNOWN', `"${code}" is not an ISO 4217 currency code.`, { currency: code });
  return found;
}

/** Whether `code` is an ISO 4217 decimal currency code (upper case). */
export function isCurrencyCode(code: string): boolean {
  return CURRENCIES.has(code);
}
