/**
 * Reads a dotted path (`data.items`, `attributes.updated_at`) from a JSON value; the empty path
 * is the value itself. Array elements are addressed by index (`items.0.id`).
 * @returns undefined when a step is missing or not an object
 */
export function readPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let node = value;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * A source time as ISO-8601: an ISO / RFC 2822 date string, or a number of Unix seconds
 * (< 10^11) or milliseconds.
 * @returns null when the value is absent or not a date
 */
export function toIsoTime(value: unknown): string | null {
  let date: Date;
  if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value < 1e11 ? value * 1_000 : value);
  else if (typeof value === 'string' && value.trim() !== '') date = new Date(/^\d+$/.test(value) ? toIsoNumber(value) : value);
  else return null;
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function toIsoNumber(digits: string): number {
  const n = Number(digits);
  return n < 1e11 ? n * 1_000 : n;
}
