import type { MoneyResolvers } from '../__generated__/resolvers-types';
import { currency, formatMoney, formatUnits } from '../money';
import type { MoneyValue } from '../graphql/records';

/** A `Money` of minor units. */
export function money(minor: bigint, currencyCode: string): MoneyValue {
  return { minor, currency: currencyCode };
}

/** `Money`: minor units as a string, currency units with the currency's digits, formatted for people. */
export const Money: MoneyResolvers = {
  minorUnits: (m) => m.minor.toString(),
  amount: (m) => formatUnits(m.minor, currency(m.currency)),
  currency: (m) => m.currency,
  formatted: (m) => formatMoney(m.minor, currency(m.currency)),
};
