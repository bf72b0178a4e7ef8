import { err } from '@dictamesh/runtime';

/**
 * Checks a page-size style argument is an integer in `min`–`max`.
 * @throws DictaMeshError `BAD_USER_INPUT` naming `field`
 */
export function assertBetween(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw err('BAD_USER_INPUT', `${field} must be between ${min} and ${max}`, { field });
  }
}

/** Keyset cursor of a row ordered by (time, id): base64url of `<ISO time>|<id>`. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}.
 * @throws DictaMeshError `INVALID_CURSOR` (field `after`), also for a time outside years 1–9999
 *   or an id holding NUL (U+0000): nothing stored has them, and Postgres would refuse them
 */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const at = new Date(text.slice(0, bar));
  const year = at.getUTCFullYear();
  // no row has such a time or id, and Postgres refuses a NUL and times before 4713 BC (a database error, not a 400)
  if (bar < 0 || bar === text.length - 1 || Number.isNaN(year) || year < 1 || year > 9999 || text.includes('\u0000')) {
    throw err('INVALID_CURSOR', undefined, { field: 'after' });
  }
  return { at, id: text.slice(bar + 1) };
}
