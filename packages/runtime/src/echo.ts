import type { GraphQLFormattedError } from 'graphql';

/** Longest part of a caller's value repeated in an error message, in UTF-16 code units. */
export const MAX_ECHO = 200;
/** Longest error message sent, in characters (a configuration's problems, joined, can be long). */
export const MAX_MESSAGE = 1_000;
/** Most items of a list or keys of an object in error extensions (`problems`). */
const MAX_ITEMS = 50;
/** Deepest nesting of error extensions kept. */
const MAX_DEPTH = 4;

/**
 * A caller's value as error messages repeat it: JSON-quoted (control characters escaped), cut
 * after {@link MAX_ECHO} characters with `…` and the original length, so that a 900 KB argument
 * does not come back whole in the error (issue 11, point 7).
 * Example: `echo('x'.repeat(900_000))` → `"xxx…xxx…" (900000 characters)`.
 */
export function echo(value: string): string {
  if (value.length <= MAX_ECHO) return JSON.stringify(value);
  return `${JSON.stringify(`${cut(value, MAX_ECHO)}…`)} (${value.length} characters)`;
}

/** A caller's value as error `extensions` carry it: unchanged up to {@link MAX_ECHO} characters, else cut with `…`. */
export function echoed(value: string): string {
  return value.length <= MAX_ECHO ? value : `${cut(value, MAX_ECHO)}…`;
}

/**
 * A GraphQL error as it may leave a service: a message over {@link MAX_MESSAGE} characters is
 * cut (with `…` and its length), and extensions keep at most 200 characters per string, 50
 * items per list or object and 4 levels. Errors repeat what the caller sent — a URN, a
 * variable's value, an unknown field or input key, configuration keys in `problems` — and must
 * not send a 900 KB value back (issue 11, point 7). Returns the same object when nothing is cut.
 */
export function boundedError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const state = { cut: false };
  const extensions = formatted.extensions && (boundedValue(formatted.extensions, 0, state) as Record<string, unknown>);
  const { message } = formatted;
  if (!state.cut && message.length <= MAX_MESSAGE) return formatted;
  return {
    ...formatted,
    message: message.length <= MAX_MESSAGE ? message : `${cut(message, MAX_MESSAGE)}… (${message.length} characters)`,
    ...(extensions ? { extensions } : {}),
  };
}

/** The first `max` characters, without a lone high surrogate at the cut. */
function cut(value: string, max: number): string {
  const head = value.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

function boundedValue(value: unknown, depth: number, state: { cut: boolean }): unknown {
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
    return value.slice(0, MAX_ITEMS).map((item) => boundedValue(item, depth + 1, state));
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ITEMS || entries.some(([key]) => key.length > MAX_ECHO)) state.cut = true;
  return Object.fromEntries(entries.slice(0, MAX_ITEMS).map(([key, item]) => [echoed(key), boundedValue(item, depth + 1, state)]));
}
