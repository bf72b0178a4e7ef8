import { Decimal } from 'decimal.js';
import { err } from '@dictamesh/runtime';
import type { Currency } from './currency';

/**
 * Decimal arithmetic for money (decimal.js, 40 significant digits, never binary floats). Every
 * amount a customer sees is rounded once, at the line total, half-even (banker's rounding,
 * IEEE 754 `roundTiesToEven`) to the currency's minor unit: {@link toMinor}.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
/** A decimal value of the {@link Money} configuration. */
export type MoneyDecimal = InstanceType<typeof Money>;

/** Most decimals a unit price may carry (`0.00125` per operation). */
export const UNIT_PRICE_DECIMALS = 5;

/**
 * Rounds an exact amount in currency units to integer minor units, half-even.
 * @param units amount in currency units (`12.345` USD)
 * @returns minor units (`1234n` cents: the tie goes to the even digit)
 */
export function toMinor(units: Decimal.Value, currency: Currency): bigint {
  const minor = new Money(units).mul(new Money(10).pow(currency.exponent)).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
  return BigInt(minor.toFixed(0));
}

/** Minor units back to currency units, exactly (`1234n` USD → `12.34`). */
export function fromMinor(minor: bigint, currency: Currency): MoneyDecimal {
  return new Money(minor.toString()).div(new Money(10).pow(currency.exponent));
}

/** Currency units as a plain decimal string with the currency's digits (`12.30`, JPY `1200`, KWD `1.250`). */
export function formatUnits(minor: bigint, currency: Currency): string {
  return fromMinor(minor, currency).toFixed(currency.exponent);
}

/**
 * Formats minor units for people (`$12.30`, `¥1,200`, `KWD 1.250`) with `Intl.NumberFormat`,
 * at the currency's ISO 4217 digits.
 */
export function formatMoney(minor: bigint, currency: Currency, locale = 'en-US'): string {
  const digits = currency.exponent;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.code,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(fromMinor(minor, currency).toFixed(digits) as unknown as number);
}

/**
 * Parses a non-negative decimal (a quantity, a price, a rate) given as a string or number.
 * @param maxDecimals most digits after the point (unit prices: {@link UNIT_PRICE_DECIMALS})
 * @param field named in the error
 * @throws DictaMeshError `QUANTITY_INVALID` when it is not a finite decimal, is negative or has too many decimals
 */
export function parseDecimal(value: Decimal.Value, field: string, maxDecimals = 20): MoneyDecimal {
  let parsed: MoneyDecimal;
  try {
    parsed = new Money(value);
  } catch {
    throw err('QUANTITY_INVALID', `${field} is not a decimal number.`, { field });
  }
  if (!parsed.isFinite()) throw err('QUANTITY_INVALID', `${field} is not a finite number.`, { field });
  if (parsed.isNegative() && !parsed.isZero()) throw err('QUANTITY_INVALID', `${field} must not be negative.`, { field });
  if (parsed.decimalPlaces() > maxDecimals)
    throw err('QUANTITY_INVALID', `${field} has more than ${maxDecimals} decimals.`, { field, maxDecimals });
  return parsed;
}
