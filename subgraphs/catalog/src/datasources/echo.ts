import { DictaMeshError, type ErrorDetails } from '@dictamesh/runtime';

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

/** Longest error message sent, in characters (a configuration's problems, joined, can be long). */
const MAX_MESSAGE = 1_000;
/** Most items of a list in error details (`problems`), and nesting kept. */
const MAX_ITEMS = 50;
const MAX_DEPTH = 4;

/**
 * The error as a caller may see it: a {@link DictaMeshError} whose message is over 1,000
 * characters, or whose details hold strings over 200 characters, lists over 50 items or nesting
 * over 4 levels, comes back cut (a new error with the original as its cause); anything else as
 * it is. Errors repeat what the caller sent — a URN, an adapter kind, configuration keys in
 * `problems` — and must not send a 900 KB value back (issue 11, point 7).
 */
export function cutError(error: unknown): unknown {
  if (!(error instanceof DictaMeshError)) return error;
  const state = { cut: false };
  const details = cutValue(error.details, 0, state) as ErrorDetails;
  if (!state.cut && error.message.length <= MAX_MESSAGE) return error;
  const message =
    error.message.length <= MAX_MESSAGE ? error.message : `${error.message.slice(0, MAX_MESSAGE)}… (${error.message.length} characters)`;
  return new DictaMeshError(error.code, message, details, { cause: error });
}

function cutValue(value: unknown, depth: number, state: { cut: boolean }): unknown {
  if (typeof value === 'string') {
    if (value.length > MAX_ECHO) state.cut = true;
    return echoed(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) {
    state.cut = true;
    return '…';
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) state.cut = true;
    return value.slice(0, MAX_ITEMS).map((item) => cutValue(item, depth + 1, state));
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ITEMS || entries.some(([key]) => key.length > MAX_ECHO)) state.cut = true;
  return Object.fromEntries(entries.slice(0, MAX_ITEMS).map(([key, item]) => [echoed(key), cutValue(item, depth + 1, state)]));
}
