import type { NotificationChannel, NotificationSubscriberAddress, Prisma, PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { ChannelRegistry } from '../channels/registry';

/** Channels a subscriber has addresses on (the others need none: IN_APP, or are the organisation's endpoints). */
export const ADDRESS_CHANNELS: readonly NotificationChannel[] = ['EMAIL', 'SMS', 'PUSH'];
/** Most addresses of one subscriber. */
export const MAX_ADDRESSES = 20;
/** Longest address, characters. */
const MAX_ADDRESS_CHARS = 512;

/** An address to add: its channel and value. */
export interface AddressInput {
  channel: NotificationChannel;
  address: string;
}

/**
 * Checks addresses before they are saved (trimmed): a personal channel (EMAIL, SMS, PUSH), at most
 * 512 characters, and valid for the channel's provider (`validateAddress`, when this deployment
 * has a provider for the channel).
 * @returns the trimmed addresses
 * @throws DictaMeshError `NOTIFICATION_ADDRESS_INVALID` `{ channel, problem }`
 */
export function validateAddresses(channels: Pick<ChannelRegistry, 'provider'>, inputs: readonly AddressInput[]): AddressInput[] {
  return inputs.map(({ channel, address }) => {
    const value = address.trim();
    if (!ADDRESS_CHANNELS.includes(channel)) {
      throw err('NOTIFICATION_ADDRESS_INVALID', `Addresses are for ${ADDRESS_CHANNELS.join(', ')}; ${channel} needs none.`, { channel });
    }
    if (value === '' || value.length > MAX_ADDRESS_CHARS) {
      throw err('NOTIFICATION_ADDRESS_INVALID', undefined, { channel, problem: `1 to ${MAX_ADDRESS_CHARS} characters` });
    }
    channels.provider(channel)?.validateAddress?.(value);
    return { channel, address: value };
  });
}

/**
 * Adds checked addresses to a subscriber (existing ones are kept; adding one again is a no-op),
 * refusing to go over {@link MAX_ADDRESSES}.
 * @returns the subscriber's rows of these addresses, in input order
 * @throws DictaMeshError `BAD_USER_INPUT` (too many addresses)
 */
export async function addAddresses(
  prisma: PrismaClient | Prisma.TransactionClient,
  subscriberId: string,
  addresses: readonly AddressInput[],
): Promise<NotificationSubscriberAddress[]> {
  if (addresses.length === 0) return [];
  const existing = await prisma.notificationSubscriberAddress.findMany({ where: { subscriberId } });
  const key = (a: AddressInput) => `${a.channel}\u0000${a.address}`;
  const known = new Set(existing.map(key));
  const fresh = new Set(addresses.map(key).filter((k) => !known.has(k)));
  if (existing.length + fresh.size > MAX_ADDRESSES) {
    throw err('BAD_USER_INPUT', `A subscriber has at most ${MAX_ADDRESSES} addresses.`, { field: 'addresses' });
  }
  await prisma.notificationSubscriberAddress.createMany({
    data: addresses.map((a) => ({ subscriberId, channel: a.channel, address: a.address })),
    skipDuplicates: true,
  });
  const rows = await prisma.notificationSubscriberAddress.findMany({
    where: { subscriberId, OR: addresses.map((a) => ({ channel: a.channel, address: a.address })) },
  });
  return addresses.map((a) => rows.find((row) => key(row) === key(a))!);
}
