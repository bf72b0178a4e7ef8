/** Longest part of a caller's value repeated in an error message, in UTF-16 code units. */
export const MAX_ECHO = 200;

/**
 * A caller's value as error messages repeat it: JSON-quoted (control characters escaped), cut
 * after {@link MAX_ECHO} characters with `…` and the original length, so that a 900 KB argument
 * does not come back whole in the error (issue 11, point 7).
 * Example: `echo('x'.repeat(900_000))` → `"xxx…xxx…" (900000 characters)`.
 */
export function echo(value: string): string {
  if (value.length <= MAX_ECHO) return JSON.stringify(value);
  return `${JSON.stringify(`${cut(value)}…`)} (${value.length} characters)`;
}

/** A caller's value as error `extensions` carry it: unchanged up to {@link MAX_ECHO} characters, else cut with `…`. */
export function echoed(value: string): string {
  return value.length <= MAX_ECHO ? value : `${cut(value)}…`;
}

/** The first {@link MAX_ECHO} characters, without a lone high surrogate at the cut. */
function cut(value: string): string {
  const head = value.slice(0, MAX_ECHO);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}
