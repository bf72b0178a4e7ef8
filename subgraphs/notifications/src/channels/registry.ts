import type { NotificationChannel } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { ChannelProvider } from './channel';

/** Every channel, in the SDL's order. */
export const CHANNELS: readonly NotificationChannel[] = ['EMAIL', 'SMS', 'PUSH', 'SLACK', 'WEBHOOK', 'IN_APP', 'PAGERDUTY'];

/** A channel as this deployment has it (`notificationChannels`). */
export interface ChannelStatus {
  channel: NotificationChannel;
  available: boolean;
  /** Deliveries per second the worker allows it; null: unlimited. */
  rateLimitPerSecond: number | null;
}

/**
 * The providers of one deployment, by channel, with the operator's switches
 * (`notifications.channels` of the config service: `{ "<channel>": { "enabled": false } }`) and
 * per-channel rate limits.
 */
export class ChannelRegistry {
  private readonly providers = new Map<NotificationChannel, ChannelProvider>();
  private disabled = new Set<NotificationChannel>();

  /**
   * @param providers one per channel (a later one replaces an earlier one of the same channel)
   * @param rateLimits deliveries per second per channel (absent: unlimited)
   */
  constructor(
    providers: readonly ChannelProvider[],
    readonly rateLimits: Partial<Record<NotificationChannel, number>> = {},
  ) {
    for (const provider of providers) this.providers.set(provider.channel, provider);
  }

  /** Channels the operator switched off (`notifications.channels.<name>.enabled: false`), applied live. */
  setDisabled(channels: Iterable<NotificationChannel>): void {
    this.disabled = new Set(channels);
  }

  /**
   * Applies each channel's entry of `notifications.channels` to its provider live (see
   * {@link ChannelProvider.configure}); a channel without an entry gets its defaults back.
   */
  configure(settings: Partial<Record<NotificationChannel, Readonly<Record<string, unknown>>>>): void {
    for (const [channel, provider] of this.providers) provider.configure?.(settings[channel] ?? {});
  }

  /** The provider of `channel`, or undefined when this deployment has none. */
  provider(channel: NotificationChannel): ChannelProvider | undefined {
    return this.providers.get(channel);
  }

  /** Whether `channel` has a configured provider and is not switched off. */
  isAvailable(channel: NotificationChannel): boolean {
    const provider = this.providers.get(channel);
    return Boolean(provider?.available) && !this.disabled.has(channel);
  }

  /**
   * The provider of an available channel.
   * @throws DictaMeshError `NOTIFICATION_CHANNEL_UNAVAILABLE`
   */
  require(channel: NotificationChannel): ChannelProvider {
    const provider = this.providers.get(channel);
    if (!provider || !this.isAvailable(channel)) throw err('NOTIFICATION_CHANNEL_UNAVAILABLE', undefined, { channel });
    return provider;
  }

  /** Every channel with its availability and rate limit. */
  statuses(): ChannelStatus[] {
    return CHANNELS.map((channel) => ({
      channel,
      available: this.isAvailable(channel),
      rateLimitPerSecond: this.rateLimits[channel] ?? null,
    }));
  }

  /** Closes every provider. */
  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((provider) => provider.close?.()));
  }
}
