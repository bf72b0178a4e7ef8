import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { NotificationChannel } from '@dictamesh/db';
import type { ChannelRegistry } from '../channels/registry';

/** One in-memory limiter per channel of each registry (so per service instance, per process). */
const limiters = new WeakMap<ChannelRegistry, Map<NotificationChannel, RateLimiterMemory>>();

/**
 * Takes one delivery from `channel`'s rate limit (`channels.rateLimits[channel]` deliveries per
 * second, rate-limiter-flexible in memory: per process). Returns 0 when the delivery may go now,
 * else how long to wait before trying again, ms (at least 1). Unlimited channels always return 0.
 */
export async function rateLimitWaitMs(channels: ChannelRegistry, channel: NotificationChannel): Promise<number> {
  const perSecond = channels.rateLimits[channel];
  if (!perSecond || perSecond <= 0) return 0;
  let byChannel = limiters.get(channels);
  if (!byChannel) limiters.set(channels, (byChannel = new Map()));
  let limiter = byChannel.get(channel);
  if (!limiter) byChannel.set(channel, (limiter = new RateLimiterMemory({ points: perSecond, duration: 1 })));
  try {
    await limiter.consume(channel);
    return 0;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
    throw refusal;
  }
}
