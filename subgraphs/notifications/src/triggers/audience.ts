import type { NotificationChannel, NotificationType } from '@dictamesh/db';
import type { NotificationsServices } from '../context';
import type { NotificationRequest, Recipient } from '../send/request';

/** Channels whose destinations are the organisation's endpoints (not a recipient's address). */
const ENDPOINT_CHANNELS: readonly NotificationChannel[] = ['WEBHOOK', 'SLACK', 'PAGERDUTY'];

/** Who a platform event (billing, adapter health, dead letter) is told to. */
export interface Audience {
  /** Subscribers of the organisation with an explicit enabled preference row for the type ("subscribed"), oldest first. */
  subscriberIds: string[];
  /** Direct addresses (the billing email). */
  addresses: Extract<Recipient, { kind: 'address' }>[];
  /** The type's default channels that are available. */
  personalChannels: NotificationChannel[];
  /** Channels of the organisation's enabled endpoints that take the type, when available. */
  endpointChannels: NotificationChannel[];
}

/**
 * The audience of a platform event of `type` in `orgId`: its subscribed subscribers, the given
 * direct addresses (dropped, with a warning, when their channel is unavailable or the provider
 * refuses the address: one bad address must not keep the others from being told), and the
 * channels (the type's default channels and the channels of the enabled endpoints whose types
 * are empty or hold the type), keeping available ones only.
 */
export async function platformAudience(
  services: NotificationsServices,
  orgId: string,
  type: NotificationType,
  addresses: Extract<Recipient, { kind: 'address' }>[] = [],
): Promise<Audience> {
  const { prisma, channels } = services;
  const [preferences, endpoints] = await Promise.all([
    prisma.notificationPreference.findMany({
      where: { typeKey: type.key, enabled: true, subscriber: { orgId } },
      select: { subscriberId: true },
      orderBy: { subscriber: { createdAt: 'asc' } },
    }),
    prisma.notificationEndpoint.findMany({ where: { orgId, status: 'ENABLED' }, select: { channel: true, typeKeys: true } }),
  ]);
  const endpointChannels = ENDPOINT_CHANNELS.filter(
    (channel) =>
      channels.isAvailable(channel) &&
      endpoints.some((e) => e.channel === channel && (e.typeKeys.length === 0 || e.typeKeys.includes(type.key))),
  );
  const usable = addresses.filter((recipient) => {
    if (!channels.isAvailable(recipient.channel)) return false;
    try {
      channels.provider(recipient.channel)?.validateAddress?.(recipient.address);
      return true;
    } catch (error) {
      services.log.warn(
        { org: orgId, type: type.key, channel: recipient.channel, err: error },
        'notification trigger: address refused, left out',
      );
      return false;
    }
  });
  return {
    subscriberIds: [...new Set(preferences.map((p) => p.subscriberId))],
    addresses: usable,
    personalChannels: [...new Set(type.defaultChannels)].filter((c) => !ENDPOINT_CHANNELS.includes(c) && channels.isAvailable(c)),
    endpointChannels,
  };
}

/**
 * The requests that tell an audience: recipients cut into chunks of at most `maxRecipients`
 * (the first also carries the addresses and the endpoint channels, so endpoints are told once);
 * none when nobody is to be told.
 * @param base the request without recipients and channels
 */
export function audienceRequests(
  audience: Audience,
  base: Omit<NotificationRequest, 'recipients' | 'channels'>,
  maxRecipients: number,
): NotificationRequest[] {
  const { personalChannels, endpointChannels } = audience;
  const subscribers: Recipient[] =
    personalChannels.length === 0 ? [] : audience.subscriberIds.map((subscriberId) => ({ kind: 'subscriber', subscriberId }));
  const first: Recipient[] = [...audience.addresses, ...subscribers.slice(0, Math.max(0, maxRecipients - audience.addresses.length))];
  const requests: NotificationRequest[] = [];
  if (first.length > 0 || endpointChannels.length > 0)
    requests.push({ ...base, recipients: first, channels: [...personalChannels, ...endpointChannels] });
  for (let start = first.length - audience.addresses.length; start < subscribers.length; start += maxRecipients) {
    requests.push({ ...base, recipients: subscribers.slice(start, start + maxRecipients), channels: personalChannels });
  }
  return requests;
}
