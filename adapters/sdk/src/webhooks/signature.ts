import { createHmac, timingSafeEqual } from 'node:crypto';
import { err } from '@dictamesh/runtime';

/** Inputs of {@link verifyTimestampedHmac}. */
export interface TimestampedHmac {
  /** Shared secret of the webhook (UTF-8). */
  secret: string;
  /** The request bytes exactly as received (never re-serialised JSON). */
  rawBody: Buffer;
  /** Signature header value: `sha256=<hex>` or bare `<hex>`. */
  signature: string | undefined;
  /** Timestamp header value: Unix seconds. */
  timestamp: string | undefined;
  /** Largest accepted age of the timestamp, and skew into the future, ms. Default 300 000 (5 min). */
  toleranceMs?: number;
  /** Current time, ms since the epoch (tests). Default `Date.now()`. */
  now?: number;
}

/**
 * Verifies a timestamped HMAC-SHA256 webhook signature over `"<timestamp>.<raw body>"` (the
 * scheme of Chatwoot ≥ 4.11 `X-Chatwoot-Signature`, and of Stripe-style signatures): the
 * timestamp must be within `toleranceMs` of now (replay window) and the signature must match,
 * compared in constant time.
 * @throws DictaMeshError `WEBHOOK_SIGNATURE_INVALID` (401) with `details.reason`: `missing`,
 *   `malformed`, `stale` or `mismatch`
 */
export function verifyTimestampedHmac(input: TimestampedHmac): void {
  const fail = (reason: string, message: string) => {
    throw err('WEBHOOK_SIGNATURE_INVALID', message, { reason });
  };
  if (!input.signature || !input.timestamp) fail('missing', 'The delivery is not signed (signature or timestamp header missing).');
  const seconds = Number(input.timestamp);
  const hex = input.signature!.replace(/^sha256=/, '');
  if (!/^\d{1,12}$/.test(input.timestamp!) || !/^[0-9a-f]{64}$/i.test(hex))
    fail('malformed', 'The signature or timestamp header is malformed.');
  const tolerance = input.toleranceMs ?? 300_000;
  const skew = Math.abs((input.now ?? Date.now()) - seconds * 1_000);
  if (skew > tolerance)
    fail('stale', `The signature timestamp is ${Math.round(skew / 1_000)} s away from now (limit ${tolerance / 1_000} s).`);
  const expected = createHmac('sha256', input.secret).update(`${input.timestamp}.`).update(input.rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(hex, 'hex'))) fail('mismatch', 'The signature does not match the body.');
}

/** Compares two secrets (URL tokens) in constant time; unequal lengths are unequal. */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
