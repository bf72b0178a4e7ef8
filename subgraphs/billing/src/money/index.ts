/** Money: ISO 4217 currencies, integer minor units, decimal arithmetic and the one rounding rule (half-even at the line total). */
export { currency, isCurrencyCode, type Currency } from './currency';
export { Money, type MoneyDecimal, UNIT_PRICE_DECIMALS, toMinor, fromMinor, formatUnits, formatMoney, parseDecimal } from './amount';
