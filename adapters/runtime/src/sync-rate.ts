/** Default span of {@link RateMeter}'s sliding window, ms. */
export const RATE_WINDOW_MS = 10_000;

/**
 * The publishing rate of a sync over a sliding window: cumulative entity counts recorded with
 * their times (ms, from an injected clock), the rate measured between the newest sample and the
 * newest one at least `windowMs` older (or the oldest kept). Pure: no timers, no clock of its own.
 */
export class RateMeter {
  private readonly samples: Array<{ at: number; entities: number }> = [];

  /** @param windowMs how far back the rate looks, ms (> 0) */
  constructor(private readonly windowMs: number = RATE_WINDOW_MS) {}

  /**
   * Records that `entities` entities (cumulative) were published by time `at` (ms). Samples older
   * than the window are dropped, keeping the newest of them as the window's base.
   */
  record(at: number, entities: number): void {
    this.samples.push({ at, entities });
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  /**
   * Entities per second over the window, rounded to 2 decimals; null with fewer than two samples
   * or when no time passed between the first and the last.
   */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return null;
    return round((last.entities - first.entities) / ((last.at - first.at) / 1_000), 2);
  }
}

/**
 * Seconds until `total` entities are published at `rate` (entities/s), rounded to 1 decimal
 * (never negative); null when the total or the rate is unknown, or the rate is 0.
 */
export function etaSeconds(entities: number, total: number | null, rate: number | null): number | null {
  if (total === null || rate === null || rate <= 0) return null;
  return round(Math.max(0, total - entities) / rate, 1);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
