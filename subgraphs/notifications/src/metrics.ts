import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NotificationAttemptOutcome, NotificationChannel, PrismaClient } from '@dictamesh/db';
import { createMetricsRegistry } from '@dictamesh/subgraph-kit';
import type { DeliveryQueue, JobCounts } from './queue/queue';

/** The notifications service's metrics, and what the code that moves them calls. */
export interface NotificationsMetrics {
  registry: Registry;
  /** One attempt ended with `outcome` after `seconds` at the provider (the delivery worker calls it). */
  attempted(channel: NotificationChannel, outcome: NotificationAttemptOutcome, seconds: number): void;
  /** `count` notifications of `typeKey` were accepted (stored and queued; the send path calls it). */
  accepted(typeKey: string, count?: number): void;
}

/** Job states `dictamesh_notifications_queue_jobs` reports. */
const JOB_STATES: readonly (keyof JobCounts)[] = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];

/**
 * The notifications subgraph's Prometheus metrics (prom-client, a registry of its own with the
 * process defaults, as the kit's other services):
 * - `dictamesh_notifications_deliveries_total{channel,outcome}`: attempts by channel and outcome
 *   (DELIVERED, RETRY, THROTTLED, FAILED, BOUNCED, GONE);
 * - `dictamesh_notifications_delivery_duration_seconds{channel}`: time the provider took per attempt;
 * - `dictamesh_notifications_accepted_total{type}`: notifications accepted, by type key;
 * - `dictamesh_notifications_queue_jobs{state}`: jobs of the delivery queue by pg-boss state, read
 *   from pg-boss when scraped;
 * - `dictamesh_notifications_dead_deliveries`: deliveries that are dead (FAILED: retries
 *   exhausted or a permanent error), read from the database when scraped.
 */
export function createNotificationsMetrics(deps: { prisma: PrismaClient; queue?: Pick<DeliveryQueue, 'jobCounts'> }): NotificationsMetrics {
  const registry = createMetricsRegistry();
  const deliveries = new Counter({
    name: 'dictamesh_notifications_deliveries_total',
    help: 'Delivery attempts by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'dictamesh_notifications_delivery_duration_seconds',
    help: 'Time the provider took to answer one delivery attempt, seconds',
    labelNames: ['channel'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const accepted = new Counter({
    name: 'dictamesh_notifications_accepted_total',
    help: 'Notifications accepted (stored and queued), by type key',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const { queue, prisma } = deps;
  new Gauge({
    name: 'dictamesh_notifications_queue_jobs',
    help: 'Jobs of the delivery queue (pg-boss) by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = queue ? await queue.jobCounts() : undefined;
      for (const state of JOB_STATES) this.set({ state }, counts?.[state] ?? 0);
    },
  });
  new Gauge({
    name: 'dictamesh_notifications_dead_deliveries',
    help: 'Deliveries that are dead (FAILED: retries exhausted or a permanent error), retryable by an operator',
    registers: [registry],
    async collect() {
      this.set(await prisma.notificationDelivery.count({ where: { status: 'FAILED' } }));
    },
  });
  return {
    registry,
    attempted(channel, outcome, seconds) {
      deliveries.inc({ channel, outcome });
      duration.observe({ channel }, seconds);
    },
    accepted(typeKey, count = 1) {
      accepted.inc({ type: typeKey }, count);
    },
  };
}
