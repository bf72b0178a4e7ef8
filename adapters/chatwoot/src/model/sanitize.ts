/** Keys never stored: live websocket tokens, HMAC and widget secrets (fixtures README §10, §13). */
const SECRET_KEY = /token|secret|password|pubsub/i;

/**
 * Deep copy of a JSON value without secret-bearing keys (`pubsub_token`, `hmac_token`,
 * `website_token`, IMAP/SMTP passwords…). Applied to everything the adapter stores.
 */
export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (!SECRET_KEY.test(key)) out[key] = withoutSecrets(v);
    return out as T;
  }
  return value;
}

/** Drops `undefined` values so attributes stay plain JSON. */
export function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
