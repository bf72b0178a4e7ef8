import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PrismaClient } from '@dictamesh/db';
import { createMetricsRegistry } from '@dictamesh/subgraph-kit';
import { currency as isoCurrency, fromMinor, Money } from './money';

/** Window of `dictamesh_billing_churned_subscriptions`: the last 30 days. */
const CHURN_WINDOW_MS = 30 * 86_400_000;

/** Billing's Prometheus metrics and the hooks the service calls. */
export interface BillingMetrics {
  registry: Registry;
  /** Usage records written by the metering (`recorded`), replays skipped (`duplicate`), usage of unknown organisations (`parked`). */
  metered(result: 'recorded' | 'duplicate' | 'parked', count: number): void;
  /** Seconds from a usage CloudEvent's `time` to its usage record. */
  meteringLag(seconds: number): void;
  webhook(provider: string, kind: string): void;
  eventsPublished(count: number): void;
}

/**
 * Creates billing's metrics (prom-client, on a registry of its own). Business gauges are read
 * from the database when scraped:
 * - `dictamesh_billing_mrr{currency}`: monthly recurring revenue, currency units — the fixed fees
 *   of ACTIVE and PAST_DUE subscriptions per month (yearly fees ÷ 12), usage excluded;
 * - `dictamesh_billing_subscriptions{status}`: subscriptions by status;
 * - `dictamesh_billing_churned_subscriptions`: subscriptions cancelled in the last 30 days;
 * - `dictamesh_billing_invoice_totals{currency,status}`: invoice totals, currency units;
 * and counters/histograms: `dictamesh_billing_usage_records_total{result}`,
 * `dictamesh_billing_metering_lag_seconds`, `dictamesh_billing_payment_webhooks_total{provider,kind}`,
 * `dictamesh_billing_events_published_total`.
 */
export function createBillingMetrics(prisma: PrismaClient, now: () => Date = () => new Date()): BillingMetrics {
  const registry = createMetricsRegistry();
  new Gauge({
    name: 'dictamesh_billing_mrr',
    help: 'Monthly recurring revenue: fixed fees of active and past-due subscriptions per month (yearly / 12), currency units',
    labelNames: ['currency'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await prisma.billingSubscription.findMany({
        where: { status: { in: ['ACTIVE', 'PAST_DUE'] } },
        select: { plan: { select: { currency: true, interval: true, fixedAmount: true } } },
      });
      const byCurrency = new Map<string, InstanceType<typeof Money>>();
      for (const { plan } of rows) {
        const monthly = new Money(plan.fixedAmount.toString()).div(plan.interval === 'YEARLY' ? 12 : 1);
        byCurrency.set(plan.currency, (byCurrency.get(plan.currency) ?? new Money(0)).add(monthly));
      }
      for (const [code, value] of byCurrency) this.set({ currency: code }, value.toDecimalPlaces(isoCurrency(code).exponent).toNumber());
    },
  });
  new Gauge({
    name: 'dictamesh_billing_subscriptions',
    help: 'Subscriptions by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const status of ['TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELLED'] as const) this.set({ status }, 0);
      const groups = await prisma.billingSubscription.groupBy({ by: ['status'], _count: { _all: true } });
      for (const g of groups) this.set({ status: g.status }, g._count._all);
    },
  });
  new Gauge({
    name: 'dictamesh_billing_churned_subscriptions',
    help: 'Subscriptions cancelled in the last 30 days',
    registers: [registry],
    async collect() {
      this.set(
        await prisma.billingSubscription.count({
          where: { status: 'CANCELLED', cancelledAt: { gte: new Date(now().getTime() - CHURN_WINDOW_MS) } },
        }),
      );
    },
  });
  new Gauge({
    name: 'dictamesh_billing_invoice_totals',
    help: 'Sum of invoice totals by currency and status, currency units',
    labelNames: ['currency', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await prisma.invoice.groupBy({ by: ['currency', 'status'], _sum: { totalMinor: true } });
      for (const g of groups)
        this.set({ currency: g.currency, status: g.status }, fromMinor(g._sum.totalMinor ?? 0n, isoCurrency(g.currency)).toNumber());
    },
  });
  const usage = new Counter({
    name: 'dictamesh_billing_usage_records_total',
    help: 'Usage events handled by the metering, by result (recorded, duplicate: a replay, parked: unknown organisation)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'dictamesh_billing_metering_lag_seconds',
    help: "From a usage CloudEvent's time to its usage record",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'dictamesh_billing_payment_webhooks_total',
    help: 'Payment provider webhooks verified, by provider and kind',
    labelNames: ['provider', 'kind'] as const,
    registers: [registry],
  });
  const published = new Counter({
    name: 'dictamesh_billing_events_published_total',
    help: 'Billing CloudEvents published from the outbox',
    registers: [registry],
  });
  return {
    registry,
    metered: (result, count) => usage.inc({ result }, count),
    meteringLag: (seconds) => lag.observe(seconds),
    webhook: (provider, kind) => webhooks.inc({ provider, kind }),
    eventsPublished: (count) => published.inc(count),
  };
}
