/**
 * Chatwoot sends times as Unix seconds (int, 0 = unset), Unix seconds as a float
 * (`conversation.updated_at`) or ISO-8601 strings, depending on the field (fixtures README,
 * "Timestamps come in four formats"). Returns ISO-8601 or null for unset/unparseable values.
 */
export function toIso(value: unknown): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null;
    return new Date(Math.round(value * 1000)).toISOString();
  }
  if (typeof value === 'string' && value.length > 0) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

/** The latest of several ISO times (nulls ignored), or `fallback`. */
export function latestIso(values: Array<string | null | undefined>, fallback: string): string {
  const times = values.filter((v): v is string => typeof v === 'string');
  return times.length === 0 ? fallback : times.reduce((a, b) => (a > b ? a : b));
}
