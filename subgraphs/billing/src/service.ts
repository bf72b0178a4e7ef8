import type { FastifyInstance } from 'fastify';
import type { Database } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { createSubgraphService, tableReadiness } from '@dictamesh/subgraph-kit';
import type { BillingServices } from './context';
import { OutboxRelay } from './events/outbox';
import { enqueueThresholdReached } from './events/threshold-reached';
import { registerInvoicePdfRoute } from './http/invoice-pdf-route';
import { registerPaymentWebhookRoute } from './http/payment-webhook-route';
import { BillingScheduler } from './invoices/scheduler';
import { InvoiceLinks } from './invoices/links';
import type { InvoiceParty } from './invoices/pdf';
import { aggregateUsage } from './metering/aggregate';
import { billingMetering } from './metering/consumer';
import { createBillingMetrics } from './metrics';
import { ManualPaymentProvider, PaymentProviders, type PaymentProvider } from './payments';
import { buildBillingSchema } from './schema';

/** Billing's tables besides `dictamesh_billing_*`. */
const BILLING_TABLES = ['dictamesh_organizations', 'dictamesh_billable_metrics'];

/** Defaults of the billing service's timers. */
export const BILLING_DEFAULTS = {
  /** How often period closes are looked for (croner pattern): every minute. */
  scheduleCron: '* * * * *',
  /** How often the outbox is published besides right after commits, ms. */
  outboxIntervalMs: 5_000,
} as const;

/** Options of {@link createBillingService}. */
export interface BillingServiceOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  /** Verifies the gateway's principal token on every `/graphql` request (401 without); unset: every caller is anonymous and trusted (tests). */
  gatewayTokens?: GatewayTokens;
  /** The key billing instances share (signs invoice download links); the subgraph token key. */
  sharedKey?: Uint8Array;
  serverLimits?: ServerLimits;
  /** Public base URL of this service, for invoice download links (`http://127.0.0.1:4004`). */
  publicUrl: string;
  /** The seller printed on invoices. */
  seller: InvoiceParty;
  /** Payment providers besides `manual` (which is always there), e.g. a `StripePaymentProvider`. */
  providers?: PaymentProvider[];
  /** The clock (tests inject one). */
  now?: () => Date;
  /** Period closes: a croner pattern (default every minute); `false` runs none (tests call `scheduler.tick()`). */
  scheduleCron?: string | false;
  outboxIntervalMs?: number;
}

/** A running billing subgraph. */
export interface BillingService {
  app: FastifyInstance;
  scheduler: BillingScheduler;
  outbox: OutboxRelay;
  services: BillingServices;
  /** Stops the scheduler, the metering consumer (write in flight finishes), the outbox (after a last flush), then HTTP. */
  close(): Promise<void>;
}

/**
 * Builds the billing subgraph on the subgraph kit: the Federation 2 schema of
 * `schemas/subgraphs/billing.graphql` (owner of `Organization`), the metering consumer group
 * (`dictamesh-billing-metering`: operations, entity changes, adapter events, storage), the
 * period-close scheduler, billing's outbox relay, the payment webhook route
 * (`POST /webhooks/payments/:provider`) and the invoice PDF route (`GET /invoices/:id/pdf`).
 * Listening is left to the caller.
 */
export async function createBillingService(options: BillingServiceOptions): Promise<BillingService> {
  const { db, bus, logger } = options;
  const now = options.now ?? (() => new Date());
  const metrics = createBillingMetrics(db.prisma, now);
  const providers = new PaymentProviders([new ManualPaymentProvider(), ...(options.providers ?? [])]);
  const outbox = new OutboxRelay({
    db,
    bus,
    log: logger.child({ component: 'billing-outbox' }),
    onPublished: metrics.eventsPublished,
  });
  const publishEvents = () => void outbox.flush();
  const usage: BillingServices['usage'] = (orgId, metricCodes, from, to) =>
    aggregateUsage(db.prisma, { orgId, metricCodes: [...metricCodes], from, to });
  const links = new InvoiceLinks(options.publicUrl, options.sharedKey, now);
  const services: BillingServices = { prisma: db.prisma, now, usage, providers, publishEvents, links, log: logger };
  const service = await createSubgraphService({
    schema: buildBillingSchema(),
    logger,
    introspection: options.introspection,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    context: () => services,
    // its own tables only: a damaged entity table makes the catalog unready, not billing
    readiness: { database: tableReadiness(db, (table) => table.startsWith('dictamesh_billing') || BILLING_TABLES.includes(table)) },
    registry: metrics.registry,
    bus,
    consumers: {
      metering: billingMetering({
        prisma: db.prisma,
        log: logger.child({ component: 'billing-metering' }),
        now,
        onRecorded: (count, lagMs) => {
          metrics.metered('recorded', count);
          metrics.meteringLag(lagMs / 1000);
        },
        onParked: (count) => metrics.metered('parked', count),
        onDuplicates: (count) => metrics.metered('duplicate', count),
        // the alert and its event commit together; the outbox publishes it after the batch
        emit: async (reached, tx) => {
          await enqueueThresholdReached(tx, reached, now());
          publishEvents();
        },
      }),
    },
  });
  registerInvoicePdfRoute(service.app, { prisma: db.prisma, links, seller: options.seller, now });
  registerPaymentWebhookRoute(service.app, {
    prisma: db.prisma,
    providers,
    now,
    onApplied: (provider, kind) => {
      metrics.webhook(provider, kind);
      publishEvents();
    },
  });
  const scheduler = new BillingScheduler({
    prisma: db.prisma,
    usage,
    now,
    log: logger.child({ component: 'billing-scheduler' }),
    pattern: options.scheduleCron || BILLING_DEFAULTS.scheduleCron,
  });
  if (options.scheduleCron !== false) scheduler.start();
  outbox.start(options.outboxIntervalMs ?? BILLING_DEFAULTS.outboxIntervalMs);
  return {
    app: service.app,
    scheduler,
    outbox,
    services,
    close: async () => {
      await scheduler.stop();
      await service.close();
      await outbox.stop();
      await outbox.flush();
    },
  };
}
