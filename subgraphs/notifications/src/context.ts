import type { PrismaClient } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import type { ChannelRegistry } from './channels/registry';
import type { DeliveryPolicy } from './deliver/policy';
import type { NotificationLimits } from './limits';
import type { NotificationsMetrics } from './metrics';
import type { DeliveryQueue } from './queue/queue';

/** The notifications subgraph's own fields of a request's context (one set per process). */
export interface NotificationsServices {
  /** The process-wide Prisma client. */
  prisma: PrismaClient;
  /** The clock (tests inject one). */
  now: () => Date;
  log: Logger;
  /** Envelope encryption of endpoint secrets (signing secrets, Slack URLs, PagerDuty routing keys). */
  secrets: SecretSealer;
  /** The durable delivery queue (pg-boss): jobs enqueued inside the caller's transaction. */
  queue: DeliveryQueue;
  /** The channel providers this deployment has and whether each is available. */
  channels: ChannelRegistry;
  /** Development: endpoint URLs to loopback and private addresses are allowed (never in production). */
  allowPrivateNetworks: boolean;
  limits: NotificationLimits;
  /** Retry schedule and attempts of deliveries (default `DEFAULT_DELIVERY_POLICY` of deliver/policy.ts; tests use short delays). */
  delivery?: DeliveryPolicy;
  /** Prometheus metrics (absent in tests that build services by hand). */
  metrics?: NotificationsMetrics;
}

/** Per-request context of the notifications subgraph: the kit's (principal, org, loaders) and notifications' services. */
export type NotificationsContext = SubgraphContext & NotificationsServices;
