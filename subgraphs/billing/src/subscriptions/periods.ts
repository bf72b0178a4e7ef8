/**
 * Anchored billing periods. A subscription's periods start at its anchor plus whole intervals
 * (months or years), computed from the anchor each time (never from the previous period), so a
 * period that had to be clamped does not shift the ones after it: anchored on Jan 31 the periods
 * start Jan 31, Feb 28 (29), Mar 31, Apr 30… — the rule of Stripe's `billing_cycle_anchor`.
 * All arithmetic is in UTC.
 */

/** Length of a billing period (the Prisma enum's values). */
export type Interval = 'MONTHLY' | 'YEARLY';

/** A billing period `[start, end)`. */
export interface Period {
  start: Date;
  end: Date;
}

/** Days in a UTC month (`month` 0–11, may overflow into later years). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * The anchor moved by `n` whole intervals, the day of month clamped to the month's length, the
 * time of day kept.
 * @param n 0 for the anchor itself; negative for earlier periods
 */
export function addIntervals(anchor: Date, interval: Interval, n: number): Date {
  const months = interval === 'MONTHLY' ? n : 12 * n;
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth() + months;
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(targetYear, targetMonth));
  return new Date(
    Date.UTC(
      targetYear,
      targetMonth,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/**
 * The period of an anchored subscription that contains `at` (`start <= at < end`).
 * @throws RangeError when `at` is before the anchor
 */
export function periodAt(anchor: Date, interval: Interval, at: Date): Period {
  if (at.getTime() < anchor.getTime()) throw new RangeError('the instant is before the billing anchor');
  const perYear = interval === 'MONTHLY' ? 12 : 1;
  const elapsedMonths = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  // start from an estimate and correct by one step either way
  let n = Math.max(0, Math.floor(elapsedMonths / (12 / perYear)) - 1);
  while (addIntervals(anchor, interval, n + 1).getTime() <= at.getTime()) n += 1;
  while (n > 0 && addIntervals(anchor, interval, n).getTime() > at.getTime()) n -= 1;
  return { start: addIntervals(anchor, interval, n), end: addIntervals(anchor, interval, n + 1) };
}

/** The period after `period` of an anchored subscription. */
export function nextPeriod(anchor: Date, interval: Interval, period: Period): Period {
  return periodAt(anchor, interval, period.end);
}
