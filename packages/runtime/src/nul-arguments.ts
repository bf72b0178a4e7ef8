/** Most values of one field's arguments looked at (a 1 MB request holds fewer). */
const MAX_VALUES = 1_000_000;

/**
 * Where the arguments of a field hold a U+0000 (NUL) character, in a string or an object key:
 * the argument path (`filter.source`, `input.config.tables[2].name`), or null when none does.
 * Postgres `text` and `jsonb` cannot store NUL, so such a value would fail in the database.
 * Iterative (a JSON argument may nest deeper than the call stack) and bounded.
 */
export function nulPath(args: Record<string, unknown>): string | null {
  const stack: Array<[unknown, string]> = Object.entries(args).map(([name, value]) => [value, name]);
  for (let seen = 0; stack.length > 0 && seen < MAX_VALUES; seen += 1) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, `${path}[${index}]`]));
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path}.${key}`;
        stack.push([item, `${path}.${key}`]);
      }
    }
  }
  return null;
}
