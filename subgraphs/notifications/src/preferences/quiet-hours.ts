import { DateTime, IANAZone } from 'luxon';
import { err } from '@dictamesh/runtime';

/** Local wall-clock quiet hours in an IANA time zone; `start` after `end` spans midnight. */
export interface QuietHoursSpec {
  /** `HH:MM` (00:00 … 23:59). */
  start: string;
  end: string;
  /** IANA time zone (`Europe/Paris`). */
  timezone: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Whether `zone` is an IANA time zone luxon knows (`UTC` included). */
export function isValidTimeZone(zone: string): boolean {
  return zone.length <= 64 && IANAZone.isValidZone(zone);
}

/** Minutes after midnight of an `HH:MM`, or null when it is not one. */
function minutesOf(time: string): number | null {
  const m = HH_MM.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * Checks quiet hours: `HH:MM` times and an IANA time zone.
 * @throws DictaMeshError `NOTIFICATION_PREFERENCE_INVALID` `{ problems: string[] }`
 */
export function assertQuietHours(q: QuietHoursSpec): void {
  const problems: string[] = [];
  if (minutesOf(q.start) === null) problems.push(`quiet hours start "${q.start}" is not HH:MM`);
  if (minutesOf(q.end) === null) problems.push(`quiet hours end "${q.end}" is not HH:MM`);
  if (!isValidTimeZone(q.timezone)) problems.push(`"${q.timezone}" is not an IANA time zone`);
  if (problems.length > 0) throw err('NOTIFICATION_PREFERENCE_INVALID', undefined, { problems });
}

/**
 * When the quiet hours that `now` falls in end: the next `end` wall-clock time in the zone
 * (the same day, or the next one when they span midnight), computed on local dates with luxon
 * so DST changes are honoured (an end inside a spring-forward gap moves forward by the gap).
 * `start` equal to `end` means no quiet hours.
 * @returns the end instant, or null when `now` is outside the quiet hours
 * @throws DictaMeshError `NOTIFICATION_PREFERENCE_INVALID` (bad `HH:MM` or time zone)
 */
export function quietHoursEnd(q: QuietHoursSpec, now: Date): Date | null {
  assertQuietHours(q);
  const start = minutesOf(q.start)!;
  const end = minutesOf(q.end)!;
  if (start === end) return null;
  const local = DateTime.fromJSDate(now, { zone: q.timezone });
  const minute = local.hour * 60 + local.minute;
  let daysAhead: number;
  if (start < end) {
    if (minute < start || minute >= end) return null;
    daysAhead = 0;
  } else if (minute >= start) daysAhead = 1;
  else if (minute < end) daysAhead = 0;
  else return null;
  const at = local
    .startOf('day')
    .plus({ days: daysAhead })
    .set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  return at.toJSDate();
}
