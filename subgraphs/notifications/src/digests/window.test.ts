import { describe, expect, it } from 'vitest';
import { digestWindow } from './window';

describe('digestWindow', () => {
  it('aligns windows on the epoch: floor(epoch seconds / window) * window', () => {
    expect(digestWindow(new Date('2026-12-01T10:17:42.999Z'), 3600)).toEqual({
      start: new Date('2026-12-01T10:00:00.000Z'),
      end: new Date('2026-12-01T11:00:00.000Z'),
    });
    expect(digestWindow(new Date('2026-12-01T10:17:42.999Z'), 900)).toEqual({
      start: new Date('2026-12-01T10:15:00.000Z'),
      end: new Date('2026-12-01T10:30:00.000Z'),
    });
  });

  it('puts instants of the same second in the same window, and the window end in the next one', () => {
    const a = digestWindow(new Date('2026-12-01T10:59:59.001Z'), 60);
    const b = digestWindow(new Date('2026-12-01T10:59:59.998Z'), 60);
    expect(a).toEqual(b);
    expect(digestWindow(a.end, 60).start).toEqual(a.end);
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => digestWindow(new Date(0), 0)).toThrow(RangeError);
    expect(() => digestWindow(new Date(0), 1.5)).toThrow(RangeError);
  });
});
