import pino from 'pino';
import type { Database, NotificationChannel, PrismaClient } from '@dictamesh/db';
import type { SecretSealer } from '@dictamesh/secrets';
import type { ChannelProvider } from '../channels/channel';
import { ChannelRegistry } from '../channels/registry';
import type { NotificationsServices } from '../context';
import { deliver } from '../deliver/deliver';
import type { DeliveryPolicy } from '../deliver/policy';
import { NOTIFICATION_LIMITS } from '../limits';
import { createDeliveryQueue, type DeliveryQueueOptions } from '../queue/pg-boss-queue';
import type { DeliveryQueue } from '../queue/queue';

/** A short policy for tests: webhooks 200 ms, 400 ms; other channels 3 attempts, 50–200 ms apart. */
export const TEST_POLICY: DeliveryPolicy = { webhookScheduleMs: [200, 400], backoff: { baseMs: 100, capMs: 200, maxAttempts: 3 } };

/**
 * Queue settings for tests: fast polls, jobs of dead workers back after 30 s (a job still running
 * then runs twice: tests that kill workers shorten it, with small batches).
 */
export const TEST_QUEUE: Omit<DeliveryQueueOptions, 'db' | 'log'> = {
  pollIntervalMs: 100,
  batchSize: 10,
  expireInSeconds: 30,
  maintenanceIntervalSeconds: 1,
};

/**
 * The services a delivery worker needs over `db`, with `providers`, a queue whose `deliver` jobs
 * run {@link deliver}, and no endpoint secrets unless given.
 */
export function workerServices(
  db: Database,
  options: {
    providers: ChannelProvider[];
    rateLimits?: Partial<Record<NotificationChannel, number>>;
    delivery?: DeliveryPolicy;
    secrets?: SecretSealer;
    queue?: Omit<DeliveryQueueOptions, 'db' | 'log'>;
  },
): NotificationsServices & { queue: DeliveryQueue } {
  const log = pino({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' });
  const queue = createDeliveryQueue({ db, log, ...TEST_QUEUE, ...options.queue });
  const services: NotificationsServices = {
    prisma: db.prisma,
    now: () => new Date(),
    log,
    secrets: options.secrets ?? ({} as SecretSealer),
    queue,
    channels: new ChannelRegistry(options.providers, options.rateLimits),
    allowPrivateNetworks: true,
    limits: NOTIFICATION_LIMITS,
    delivery: options.delivery ?? TEST_POLICY,
  };
  queue.handle('deliver', (id, notBefore) => deliver(services, id, notBefore));
  return services;
}

/** One delivery to seed: its channel and destination (an address, or an endpoint). */
export interface SeedDelivery {
  channel: NotificationChannel;
  destination?: string | null;
  endpointId?: string;
}

/**
 * Stores a subscriber `externalId` of `orgId` (with `addresses`), and one notification of
 * `typeKey` per entry of `deliveries`, each with its delivery (rendered subject, text and HTML
 * already, QUEUED) and its job, in one transaction. Returns the delivery ids in order.
 */
export async function seedDeliveries(
  prisma: PrismaClient,
  queue: DeliveryQueue,
  q: {
    orgId: string;
    externalId?: string;
    typeKey: string;
    addresses?: { channel: NotificationChannel; address: string }[];
    payload?: Record<string, unknown>;
    deliveries: SeedDelivery[];
  },
): Promise<string[]> {
  const ids: string[] = [];
  await prisma.$transaction(
    async (tx) => {
      const subscriber = await tx.notificationSubscriber.upsert({
        where: { orgId_externalId: { orgId: q.orgId, externalId: q.externalId ?? 'user-1' } },
        create: { orgId: q.orgId, externalId: q.externalId ?? 'user-1' },
        update: {},
      });
      for (const a of q.addresses ?? [])
        await tx.notificationSubscriberAddress.upsert({
          where: { subscriberId_channel_address: { subscriberId: subscriber.id, channel: a.channel, address: a.address } },
          create: { subscriberId: subscriber.id, channel: a.channel, address: a.address },
          update: {},
        });
      for (const [i, d] of q.deliveries.entries()) {
        const notification = await tx.notification.create({
          data: {
            orgId: q.orgId,
            subscriberId: subscriber.id,
            typeKey: q.typeKey,
            title: `Title ${i}`,
            body: `Body ${i}`,
            payload: (q.payload ?? { n: i }) as object,
          },
        });
        const delivery = await tx.notificationDelivery.create({
          data: {
            notificationId: notification.id,
            orgId: q.orgId,
            channel: d.channel,
            destination: d.destination ?? null,
            endpointId: d.endpointId ?? null,
            subject: `Subject ${i}`,
            content: `Text ${i}`,
            html: d.channel === 'EMAIL' ? `<p>Text ${i}</p>` : null,
          },
        });
        await queue.enqueueDelivery(tx, delivery.id);
        ids.push(delivery.id);
      }
    },
    { timeout: 120_000 },
  );
  queue.wake();
  return ids;
}

/** The attempts of a delivery, in order, as [outcome, statusCode]. */
export async function attemptsOf(prisma: PrismaClient, deliveryId: string): Promise<[string | null, number | null][]> {
  const rows = await prisma.notificationDeliveryAttempt.findMany({ where: { deliveryId }, orderBy: { attempt: 'asc' } });
  return rows.map((r) => [r.outcome, r.statusCode]);
}
