import type { NotificationChannel } from '@dictamesh/db';

/**
 * When a delivery whose attempt failed transiently (`RETRY`, `THROTTLED`) is tried again, and
 * when it is given up (dead: `FAILED`).
 */
export interface DeliveryPolicy {
  /**
   * WEBHOOK: the delay before each retry, ms; entry n−1 follows attempt n. Attempts allowed = its
   * length + 1 (the first is immediate). Default: the Standard Webhooks / Svix schedule 5 s,
   * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about 27.6 hours).
   */
  webhookScheduleMs: readonly number[];
  /**
   * Every other channel: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
   * Backoff And Jitter"): the delay after attempt n is uniform in [0, min(capMs, baseMs · 2^(n−1))).
   */
  backoff: {
    /** ms (default 10 000). */
    baseMs: number;
    /** ms (default 3 600 000, one hour). */
    capMs: number;
    /** Attempts allowed (default 8). */
    maxAttempts: number;
  };
  /** The jitter's uniform draw in [0, 1) (default `Math.random`; tests inject one). */
  random?: () => number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The production policy. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = Object.freeze({
  webhookScheduleMs: Object.freeze([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]),
  backoff: Object.freeze({ baseMs: 10 * SECOND, capMs: HOUR, maxAttempts: 8 }),
});

/** Attempts a delivery on `channel` is allowed under `policy` before it is dead. */
export function maxAttempts(policy: DeliveryPolicy, channel: NotificationChannel): number {
  return channel === 'WEBHOOK' ? policy.webhookScheduleMs.length + 1 : policy.backoff.maxAttempts;
}

/**
 * The delay before the attempt after attempt `attempt` (1 for the first) of a delivery on
 * `channel`, ms (whole), or null when `attempt` was its last (the delivery is dead).
 *
 * @param random - uniform in [0, 1) (default the policy's, else `Math.random`)
 */
export function retryDelayMs(
  policy: DeliveryPolicy,
  channel: NotificationChannel,
  attempt: number,
  random: () => number = policy.random ?? Math.random,
): number | null {
  if (attempt >= maxAttempts(policy, channel)) return null;
  if (channel === 'WEBHOOK') return policy.webhookScheduleMs[attempt - 1] ?? null;
  const { baseMs, capMs } = policy.backoff;
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
