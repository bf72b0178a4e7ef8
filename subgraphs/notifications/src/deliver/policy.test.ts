import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY, maxAttempts, retryDelayMs, type DeliveryPolicy } from './policy';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

describe('retryDelayMs', () => {
  it('follows the Standard Webhooks schedule for WEBHOOK: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead after the 8th attempt', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(DEFAULT_DELIVERY_POLICY, 'WEBHOOK', attempt, () => 0.5));
    expect(delays).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H, null]);
    expect(maxAttempts(DEFAULT_DELIVERY_POLICY, 'WEBHOOK')).toBe(8);
  });

  it('backs off exponentially with full jitter on other channels: uniform in [0, min(cap, base·2^(n−1)))', () => {
    const policy: DeliveryPolicy = { webhookScheduleMs: [], backoff: { baseMs: 1_000, capMs: 10_000, maxAttempts: 6 } };
    // the largest random below 1 gives the ceiling (less a rounding), 0 gives 0
    const top = 1 - Number.EPSILON;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, 'EMAIL', n, () => top))).toEqual([999, 1_999, 3_999, 7_999, 9_999]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, 'SMS', n, () => 0))).toEqual([0, 0, 0, 0, 0]);
    expect(retryDelayMs(policy, 'PUSH', 3, () => 0.25)).toBe(1_000);
    expect(retryDelayMs(policy, 'EMAIL', 6, () => 0.5)).toBeNull();
    expect(maxAttempts(policy, 'SLACK')).toBe(6);
    expect(maxAttempts(policy, 'WEBHOOK')).toBe(1);
    expect(retryDelayMs(policy, 'WEBHOOK', 1, () => 0.5)).toBeNull();
  });

  it('stays within its bounds for any random draw (default policy, attempts 1..7)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      const ceiling = Math.min(H, 10 * S * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i += 1) {
        const delay = retryDelayMs(DEFAULT_DELIVERY_POLICY, 'EMAIL', attempt, random)!;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
    expect(retryDelayMs(DEFAULT_DELIVERY_POLICY, 'EMAIL', 8)).toBeNull();
  });
});
