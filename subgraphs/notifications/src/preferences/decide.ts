import type { NotificationChannel, NotificationType, PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { quietHoursEnd } from './quiet-hours';

/** What happens on one channel for one subscriber. */
export interface ChannelDecision {
  channel: NotificationChannel;
  action: 'SEND' | 'SUPPRESS';
  /** Why it is suppressed: a preference mutes it, or the subscriber has no address on the channel. */
  reason?: 'MUTED' | 'NO_ADDRESS';
  /** The subscriber's addresses on the channel, oldest first (empty for IN_APP). */
  addresses: string[];
  /** Quiet hours: not before their end. */
  notBefore?: Date;
  /** The subscriber batches this type on this channel in windows of this many seconds. */
  digestWindowSeconds?: number;
}

/** What {@link decideChannels} decides about. */
export interface DecideQuery {
  subscriberId: string;
  type: NotificationType;
  channels: NotificationChannel[];
  now: Date;
}

/** A preference row as far as deciding goes. */
export interface PreferenceRow {
  typeKey: string | null;
  channel: NotificationChannel | null;
  enabled: boolean;
}

/**
 * Whether a subscriber wants `typeKey` on `channel`: the most specific matching preference
 * wins — type and channel, then type (any channel), then channel (any type), then global —
 * and without any, it is wanted.
 */
export function isEnabled(preferences: readonly PreferenceRow[], typeKey: string, channel: NotificationChannel): boolean {
  const find = (t: string | null, c: NotificationChannel | null) => preferences.find((p) => p.typeKey === t && p.channel === c);
  return (find(typeKey, channel) ?? find(typeKey, null) ?? find(null, channel) ?? find(null, null))?.enabled ?? true;
}

/** What deciding needs to know of a subscriber (its rows as loaded by {@link decideChannels}). */
export interface SubscriberFacts {
  timezone: string;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  /** Its addresses, oldest first. */
  addresses: { channel: NotificationChannel; address: string }[];
  /** Its preferences (those of other types may be left out). */
  preferences: PreferenceRow[];
  /** Its digest window for the type, seconds; undefined: none. */
  digestWindowSeconds?: number | undefined;
}

/**
 * Decides, per channel, whether a notification of `type` goes to the subscriber and how (pure):
 * - a critical type is always sent (no mute, no quiet hours, no digest);
 * - otherwise the most specific preference may mute it (`SUPPRESS`, `MUTED`, see {@link isEnabled});
 * - EMAIL, SMS and PUSH need an address of the subscriber on the channel (`SUPPRESS`, `NO_ADDRESS`);
 *   IN_APP needs none; endpoint channels (WEBHOOK, SLACK, PAGERDUTY) are the organisation's,
 *   not a subscriber's: they have no subscriber address either (`NO_ADDRESS`);
 * - during the subscriber's quiet hours (its time zone) `notBefore` is their end;
 * - a digest setting for the type sets `digestWindowSeconds` on every channel but IN_APP.
 * Quiet hours stored invalid (never written so) are ignored.
 */
export function decide(
  subscriber: SubscriberFacts,
  q: { type: Pick<NotificationType, 'key' | 'critical'>; channels: readonly NotificationChannel[]; now: Date },
): ChannelDecision[] {
  let quietEnd: Date | null = null;
  if (!q.type.critical && subscriber.quietHoursStart && subscriber.quietHoursEnd) {
    try {
      quietEnd = quietHoursEnd({ start: subscriber.quietHoursStart, end: subscriber.quietHoursEnd, timezone: subscriber.timezone }, q.now);
    } catch {
      quietEnd = null;
    }
  }
  const digest = subscriber.digestWindowSeconds;
  return q.channels.map((channel): ChannelDecision => {
    const addresses = channel === 'IN_APP' ? [] : subscriber.addresses.filter((a) => a.channel === channel).map((a) => a.address);
    if (!q.type.critical && !isEnabled(subscriber.preferences, q.type.key, channel))
      return { channel, action: 'SUPPRESS', reason: 'MUTED', addresses };
    if (channel !== 'IN_APP' && addresses.length === 0) return { channel, action: 'SUPPRESS', reason: 'NO_ADDRESS', addresses };
    const decision: ChannelDecision = { channel, action: 'SEND', addresses };
    if (q.type.critical) return decision;
    if (quietEnd) decision.notBefore = quietEnd;
    if (digest !== undefined && channel !== 'IN_APP') decision.digestWindowSeconds = digest;
    return decision;
  });
}

/**
 * Loads the subscriber's addresses, preferences (of the type and global), quiet hours and digest
 * setting, then {@link decide}s per channel.
 * @throws DictaMeshError `NOTIFICATION_SUBSCRIBER_UNKNOWN`
 */
export async function decideChannels(prisma: PrismaClient, q: DecideQuery): Promise<ChannelDecision[]> {
  const subscriber = await prisma.notificationSubscriber.findUnique({
    where: { id: q.subscriberId },
    include: {
      addresses: { where: { channel: { in: q.channels } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      preferences: { where: { OR: [{ typeKey: q.type.key }, { typeKey: null }] } },
      digestSettings: { where: { typeKey: q.type.key } },
    },
  });
  if (!subscriber) throw err('NOTIFICATION_SUBSCRIBER_UNKNOWN', undefined, { subscriberId: q.subscriberId });
  return decide({ ...subscriber, digestWindowSeconds: subscriber.digestSettings[0]?.windowSeconds }, q);
}
