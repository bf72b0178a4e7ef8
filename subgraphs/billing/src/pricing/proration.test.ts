import { describe, expect, it } from 'vitest';
import { Money, currency } from '../money';
import { prorateChange, prorationFraction } from './proration';

const USD = currency('USD');
const JPY = currency('JPY');
// June 2026: 30 days = 2,592,000 s; January 2026: 31 days = 2,678,400 s
const juneStart = new Date('2026-06-01T00:00:00Z');
const juneEnd = new Date('2026-07-01T00:00:00Z');
const janStart = new Date('2026-01-01T00:00:00Z');
const janEnd = new Date('2026-02-01T00:00:00Z');

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};
const change = (at: Date, oldFixedAmount = '10', newFixedAmount = '20', start = juneStart, end = juneEnd, cur = USD) =>
  prorateChange({
    oldFixedAmount,
    newFixedAmount,
    periodStart: start,
    periodEnd: end,
    at,
    currency: cur,
    oldName: 'Basic',
    newName: 'Pro',
  });
const summary = (result: ReturnType<typeof prorateChange>) => ({
  lines: result.lines.map((line) => [line.kind, line.description, line.amount.toFixed(), line.amountMinor]),
  net: result.netMinor,
});

describe('prorationFraction', () => {
  it('is the remaining share of the period in whole seconds, from 1 at the start to 0 at the end', () => {
    expect(prorationFraction(juneStart, juneEnd, new Date('2026-06-16T00:00:00Z')).toFixed()).toBe('0.5');
    // milliseconds are dropped: still exactly half
    expect(prorationFraction(juneStart, juneEnd, new Date('2026-06-16T00:00:00.999Z')).toFixed()).toBe('0.5');
    // one second later: 1,295,999 / 2,592,000
    expect(prorationFraction(juneStart, juneEnd, new Date('2026-06-16T00:00:01Z')).eq(new Money(1295999).div(2592000))).toBe(true);
    expect(prorationFraction(juneStart, juneEnd, juneStart).toFixed()).toBe('1');
    expect(prorationFraction(juneStart, juneEnd, juneEnd).toFixed()).toBe('0');
    // 21 of 31 days left
    expect(prorationFraction(janStart, janEnd, new Date('2026-01-11T00:00:00Z')).eq(new Money(21).div(31))).toBe(true);
  });

  it('refuses a change outside the period, an empty period and an invalid date (QUANTITY_INVALID)', () => {
    expect(failure(() => prorationFraction(juneStart, juneEnd, new Date('2026-07-01T00:00:01Z')))).toMatchObject({
      code: 'QUANTITY_INVALID',
      details: { field: 'at' },
    });
    expect(failure(() => prorationFraction(juneEnd, juneStart, juneEnd))).toMatchObject({
      code: 'QUANTITY_INVALID',
      details: { field: 'periodEnd' },
    });
    expect(failure(() => prorationFraction(juneStart, juneEnd, new Date('nope')))).toMatchObject({
      code: 'QUANTITY_INVALID',
      details: { field: 'at' },
    });
  });
});

describe('prorateChange', () => {
  it('upgrading from 10 to 20 at mid-period credits 5, charges 10, nets 5', () => {
    expect(summary(change(new Date('2026-06-16T00:00:00Z')))).toEqual({
      lines: [
        ['proration_credit', 'Unused time on Basic', '-5', -500n],
        ['proration_charge', 'Remaining time on Pro', '10', 1000n],
      ],
      net: 500n,
    });
  });

  it('rounds each line half-even in a 31-day month (21 days left)', () => {
    // 10 × 21/31 = 6.774193… → 6.77; 20 × 21/31 = 13.548387… → 13.55; net 6.78
    const result = change(new Date('2026-01-11T00:00:00Z'), '10', '20', janStart, janEnd);
    expect(result.lines.map((line) => line.amountMinor)).toEqual([-677n, 1355n]);
    expect(result.netMinor).toBe(678n);
    // 31 → 62 over the same 21 days: exactly 21 and 42
    expect(summary(change(new Date('2026-01-11T00:00:00Z'), '31', '62', janStart, janEnd)).lines.map((line) => line[2])).toEqual([
      '-21',
      '42',
    ]);
  });

  it('gives the full credit and charge at the very start, nothing at the very end', () => {
    expect(summary(change(juneStart))).toEqual({
      lines: [
        ['proration_credit', 'Unused time on Basic', '-10', -1000n],
        ['proration_charge', 'Remaining time on Pro', '20', 2000n],
      ],
      net: 1000n,
    });
    expect(summary(change(juneEnd))).toEqual({ lines: [], net: 0n });
  });

  it('nets negative on a downgrade, leaves out a free plan’s zero credit, and rounds in the currency (JPY)', () => {
    expect(change(new Date('2026-06-16T00:00:00Z'), '20', '10').netMinor).toBe(-500n);
    expect(summary(change(new Date('2026-06-16T00:00:00Z'), '0', '20'))).toEqual({
      lines: [['proration_charge', 'Remaining time on Pro', '10', 1000n]],
      net: 1000n,
    });
    // ¥1,001 and ¥3,001 at half: 500.5 → 500 (even), 1500.5 → 1500 (even)
    const yen = change(new Date('2026-06-16T00:00:00Z'), '1001', '3001', juneStart, juneEnd, JPY);
    expect(yen.lines.map((line) => line.amountMinor)).toEqual([-500n, 1500n]);
    expect(failure(() => change(juneStart, '-10', '20'))).toMatchObject({ code: 'QUANTITY_INVALID', details: { field: 'oldFixedAmount' } });
  });
});
