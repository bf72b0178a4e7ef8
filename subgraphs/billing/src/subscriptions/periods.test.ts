import { describe, expect, it } from 'vitest';
import { addIntervals, nextPeriod, periodAt } from './periods';

const d = (iso: string) => new Date(iso);

describe('anchored billing periods', () => {
  it('clamps month ends without shifting later periods (anchor Jan 31)', () => {
    const anchor = d('2026-01-31T10:00:00Z');
    expect(addIntervals(anchor, 'MONTHLY', 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addIntervals(anchor, 'MONTHLY', 2).toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(addIntervals(anchor, 'MONTHLY', 3).toISOString()).toBe('2026-04-30T10:00:00.000Z');
    expect(addIntervals(d('2027-12-31T00:00:00Z'), 'MONTHLY', 2).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it('finds the period containing an instant, the end excluded', () => {
    const anchor = d('2026-01-15T00:00:00Z');
    expect(periodAt(anchor, 'MONTHLY', d('2026-03-20T12:00:00Z'))).toEqual({
      start: d('2026-03-15T00:00:00Z'),
      end: d('2026-04-15T00:00:00Z'),
    });
    expect(periodAt(anchor, 'MONTHLY', d('2026-04-15T00:00:00Z')).start).toEqual(d('2026-04-15T00:00:00Z'));
    expect(periodAt(anchor, 'MONTHLY', d('2026-04-14T23:59:59.999Z')).start).toEqual(d('2026-03-15T00:00:00Z'));
    expect(periodAt(anchor, 'MONTHLY', anchor)).toEqual({ start: anchor, end: d('2026-02-15T00:00:00Z') });
    expect(() => periodAt(anchor, 'MONTHLY', d('2026-01-14T00:00:00Z'))).toThrow(RangeError);
  });

  it('yearly periods keep Feb 29 anchors on Feb 28 in common years', () => {
    const anchor = d('2028-02-29T08:30:00Z');
    expect(periodAt(anchor, 'YEARLY', d('2029-06-01T00:00:00Z'))).toEqual({
      start: d('2029-02-28T08:30:00Z'),
      end: d('2030-02-28T08:30:00Z'),
    });
    expect(addIntervals(anchor, 'YEARLY', 4).toISOString()).toBe('2032-02-29T08:30:00.000Z');
  });

  it('steps to the next period', () => {
    const anchor = d('2026-01-31T00:00:00Z');
    const feb = periodAt(anchor, 'MONTHLY', d('2026-02-28T00:00:00Z'));
    expect(nextPeriod(anchor, 'MONTHLY', feb)).toEqual({ start: d('2026-03-31T00:00:00Z'), end: d('2026-04-30T00:00:00Z') });
  });
});
