import type { FastifyInstance } from 'fastify';
import type { Database } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { createSubgraphService, tableReadiness } from '@dictamesh/subgraph-kit';
import type { ChannelProvider } from './channels/channel';
import { createChannelProviders, type ChannelsConfig } from './channels/providers';
import { ChannelRegistry } from './channels/registry';
import type { NotificationsServices } from './context';
import { deliver } from './deliver/deliver';
import type { DeliveryPolicy } from './deliver/policy';
import { flushDigest } from './digests/flush';
import { NOTIFICATION_LIMITS, type NotificationLimits } from './limits';
import { createNotificationsMetrics } from './metrics';
import { createDeliveryQueue, type DeliveryQueueOptions } from './queue/pg-boss-queue';
import { buildNotificationsSchema } from './schema';
import { notificationTriggers } from './triggers/consumers';
import { seedPlatformTypes } from './types/seed';

/** Options of {@link createNotificationsService}. */
export interface NotificationsServiceOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  /** Verifies the gateway's principal token on every `/graphql` request (401 without); unset: every caller is anonymous and trusted (tests). */
  gatewayTokens?: GatewayTokens;
  serverLimits?: ServerLimits;
  /** Envelope encryption of endpoint secrets (a `Keyring` of @dictamesh/secrets). */
  secrets: SecretSealer;
  /** Channel configuration (SMTP, SMS, push, PagerDuty URL). */
  channels?: ChannelsConfig;
  /** Providers instead of those `channels` builds (tests). */
  providers?: ChannelProvider[];
  /** Deliveries per second per channel. */
  rateLimits?: ChannelRegistry['rateLimits'];
  /** Development: endpoint URLs to loopback and private addresses are allowed. */
  allowPrivateNetworks?: boolean;
  limits?: Partial<NotificationLimits>;
  /** The delivery queue's worker settings. */
  queue?: Omit<DeliveryQueueOptions, 'db' | 'log'>;
  /** Retry schedule and attempts of deliveries (default `DEFAULT_DELIVERY_POLICY`). */
  delivery?: DeliveryPolicy;
  /** Run the delivery worker in this process (default true; false: accept and queue only). */
  worker?: boolean;
  /**
   * Where the trigger groups start without a committed offset (see `notificationTriggers`):
   * false on Kafka (default), true on the in-process bus.
   */
  triggersFromBeginning?: boolean;
  /** The clock (tests inject one). */
  now?: () => Date;
}

/** A running notifications subgraph. */
export interface NotificationsService {
  app: FastifyInstance;
  services: NotificationsServices;
  /** Stops the consumers and HTTP, then the worker (jobs in flight finish), then the providers. */
  close(): Promise<void>;
}

/** Notifications' tables. */
const isNotificationsTable = (table: string) => table.startsWith('dictamesh_notification');

/**
 * Builds the notifications subgraph on the subgraph kit: the Federation 2 schema of
 * `schemas/subgraphs/notifications.graphql`, the consumer groups that turn entity changes (rules),
 * billing events, adapter health and dead letters into notifications, and the durable delivery
 * queue (pg-boss) with its worker. Listening is left to the caller.
 */
export async function createNotificationsService(options: NotificationsServiceOptions): Promise<NotificationsService> {
  const { db, bus, logger } = options;
  const now = options.now ?? (() => new Date());
  const allowPrivateNetworks = options.allowPrivateNetworks ?? false;
  const providers =
    options.providers ??
    createChannelProviders(options.channels ?? {}, {
      bus,
      log: logger.child({ component: 'notification-channels' }),
      allowPrivateNetworks,
    });
  const channels = new ChannelRegistry(providers, options.rateLimits);
  const queue = createDeliveryQueue({ db, log: logger.child({ component: 'notification-queue' }), ...options.queue });
  const metrics = createNotificationsMetrics({ prisma: db.prisma, queue });
  const services: NotificationsServices = {
    prisma: db.prisma,
    now,
    log: logger,
    secrets: options.secrets,
    queue,
    channels,
    allowPrivateNetworks,
    limits: { ...NOTIFICATION_LIMITS, ...options.limits },
    ...(options.delivery ? { delivery: options.delivery } : {}),
    metrics,
  };
  await seedPlatformTypes(db.prisma);
  queue.handle('deliver', (id, notBefore) => deliver(services, id, notBefore));
  queue.handle('digest', (id) => flushDigest(services, id));
  // the queue's schema is needed to enqueue, with or without a worker here
  await (options.worker !== false ? queue.start() : queue.install());
  const service = await createSubgraphService({
    schema: buildNotificationsSchema(),
    logger,
    introspection: options.introspection,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    context: () => services,
    // its own tables only
    readiness: { database: tableReadiness(db, isNotificationsTable) },
    registry: metrics.registry,
    bus,
    consumers: notificationTriggers(services, options.triggersFromBeginning ?? false),
  });
  return {
    app: service.app,
    services,
    close: async () => {
      await service.close();
      await queue.stop();
      await channels.close();
    },
  };
}
