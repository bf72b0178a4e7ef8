import { DictaMeshError } from '@dictamesh/runtime';
import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours';

const at = (iso: string) => new Date(iso);
const end = (start: string, stop: string, timezone: string, now: string) =>
  quietHoursEnd({ start, end: stop, timezone }, at(now))?.toISOString() ?? null;

describe('quietHoursEnd', () => {
  it('defers within a same-day span to its end, and not outside it', () => {
    expect(end('12:00', '14:00', 'UTC', '2026-06-10T12:00:00Z')).toBe('2026-06-10T14:00:00.000Z');
    expect(end('12:00', '14:00', 'UTC', '2026-06-10T13:59:59Z')).toBe('2026-06-10T14:00:00.000Z');
    expect(end('12:00', '14:00', 'UTC', '2026-06-10T14:00:00Z')).toBeNull();
    expect(end('12:00', '14:00', 'UTC', '2026-06-10T11:59:00Z')).toBeNull();
  });

  it('spans midnight in the subscriber’s time zone', () => {
    // Paris is UTC+2 in June: 23:30 local = 21:30Z, ends 07:00 local the next day = 05:00Z
    expect(end('22:00', '07:00', 'Europe/Paris', '2026-06-10T21:30:00Z')).toBe('2026-06-11T05:00:00.000Z');
    // 03:00 local (01:00Z), the same morning
    expect(end('22:00', '07:00', 'Europe/Paris', '2026-06-11T01:00:00Z')).toBe('2026-06-11T05:00:00.000Z');
    // 12:00 local: outside
    expect(end('22:00', '07:00', 'Europe/Paris', '2026-06-11T10:00:00Z')).toBeNull();
    // 21:30Z is 22:30 in winter Paris (UTC+1): quiet; but in New York it is 17:30: not quiet
    expect(end('22:00', '07:00', 'Europe/Paris', '2026-01-10T21:30:00Z')).toBe('2026-01-11T06:00:00.000Z');
    expect(end('22:00', '07:00', 'America/New_York', '2026-01-10T21:30:00Z')).toBeNull();
  });

  it('is DST-correct: the end is local wall-clock time across a change of offset', () => {
    // Paris springs forward on 2026-03-29 at 02:00 → 03:00: 23:00 local on the 28th (UTC+1) ends 07:00 local (UTC+2)
    expect(end('22:00', '07:00', 'Europe/Paris', '2026-03-28T22:00:00Z')).toBe('2026-03-29T05:00:00.000Z');
    // and falls back on 2026-10-25: 23:00 local on the 24th (UTC+2) ends 07:00 local (UTC+1)
    expect(end('22:00', '07:00', 'Europe/Paris', '2026-10-24T21:00:00Z')).toBe('2026-10-25T06:00:00.000Z');
    // an end inside the spring-forward gap (02:30 does not exist) moves forward by the gap
    expect(end('01:00', '02:30', 'Europe/Paris', '2026-03-29T00:15:00Z')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('treats start = end as no quiet hours', () => {
    expect(end('08:00', '08:00', 'UTC', '2026-06-10T08:00:00Z')).toBeNull();
  });

  it('refuses bad times and time zones with NOTIFICATION_PREFERENCE_INVALID', () => {
    for (const [start, stop, zone] of [
      ['24:00', '07:00', 'UTC'],
      ['7:00', '07:00', 'UTC'],
      ['22:00', '07:60', 'UTC'],
      ['22:00', '07:00', 'Mars/Olympus'],
    ] as const) {
      let error: unknown;
      try {
        quietHoursEnd({ start, end: stop, timezone: zone }, at('2026-06-10T00:00:00Z'));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DictaMeshError);
      expect((error as DictaMeshError).code).toBe('NOTIFICATION_PREFERENCE_INVALID');
    }
  });
});
