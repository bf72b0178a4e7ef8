import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '@dictamesh/db';
import { createNotificationsMetrics } from './metrics';
import type { JobCounts } from './queue/queue';

/** The lines of `name` in the Prometheus text, without HELP/TYPE. */
async function lines(registry: { metrics(): Promise<string> }, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('createNotificationsMetrics', () => {
  it('counts attempts by channel and outcome, their duration, accepted notifications by type, and reads queue jobs and dead deliveries when scraped', async () => {
    const where: unknown[] = [];
    const prisma = {
      notificationDelivery: {
        count: async (args: { where: unknown }) => {
          where.push(args.where);
          return 4;
        },
      },
    } as unknown as PrismaClient;
    const counts: JobCounts = { created: 7, retry: 1, active: 2, completed: 30, cancelled: 0, failed: 3 };
    const metrics = createNotificationsMetrics({ prisma, queue: { jobCounts: async () => counts } });
    metrics.attempted('EMAIL', 'DELIVERED', 0.02);
    metrics.attempted('EMAIL', 'DELIVERED', 0.3);
    metrics.attempted('WEBHOOK', 'RETRY', 1.5);
    metrics.accepted('billing.invoice.paid');
    metrics.accepted('billing.invoice.paid', 2);
    metrics.accepted('entity.changed');

    expect(await lines(metrics.registry, 'dictamesh_notifications_deliveries_total')).toEqual([
      'dictamesh_notifications_deliveries_total{channel="EMAIL",outcome="DELIVERED"} 2',
      'dictamesh_notifications_deliveries_total{channel="WEBHOOK",outcome="RETRY"} 1',
    ]);
    const histogram = await lines(metrics.registry, 'dictamesh_notifications_delivery_duration_seconds_bucket');
    expect(histogram).toContain('dictamesh_notifications_delivery_duration_seconds_bucket{le="0.025",channel="EMAIL"} 1');
    expect(histogram).toContain('dictamesh_notifications_delivery_duration_seconds_bucket{le="0.5",channel="EMAIL"} 2');
    expect(histogram).toContain('dictamesh_notifications_delivery_duration_seconds_bucket{le="1",channel="WEBHOOK"} 0');
    expect(histogram).toContain('dictamesh_notifications_delivery_duration_seconds_bucket{le="2.5",channel="WEBHOOK"} 1');
    expect(await lines(metrics.registry, 'dictamesh_notifications_delivery_duration_seconds_sum')).toEqual([
      'dictamesh_notifications_delivery_duration_seconds_sum{channel="EMAIL"} 0.32',
      'dictamesh_notifications_delivery_duration_seconds_sum{channel="WEBHOOK"} 1.5',
    ]);
    expect(await lines(metrics.registry, 'dictamesh_notifications_accepted_total')).toEqual([
      'dictamesh_notifications_accepted_total{type="billing.invoice.paid"} 3',
      'dictamesh_notifications_accepted_total{type="entity.changed"} 1',
    ]);
    expect(await lines(metrics.registry, 'dictamesh_notifications_queue_jobs')).toEqual([
      'dictamesh_notifications_queue_jobs{state="created"} 7',
      'dictamesh_notifications_queue_jobs{state="retry"} 1',
      'dictamesh_notifications_queue_jobs{state="active"} 2',
      'dictamesh_notifications_queue_jobs{state="completed"} 30',
      'dictamesh_notifications_queue_jobs{state="cancelled"} 0',
      'dictamesh_notifications_queue_jobs{state="failed"} 3',
    ]);
    expect(await lines(metrics.registry, 'dictamesh_notifications_dead_deliveries')).toEqual(['dictamesh_notifications_dead_deliveries 4']);
    expect(where.at(-1)).toEqual({ status: 'FAILED' });
    // the process defaults of the kit's registry are there too
    expect(await metrics.registry.metrics()).toContain('process_cpu_seconds_total');
  });

  it('reports every queue state as 0 without a queue', async () => {
    const prisma = { notificationDelivery: { count: async () => 0 } } as unknown as PrismaClient;
    const metrics = createNotificationsMetrics({ prisma });
    expect(await lines(metrics.registry, 'dictamesh_notifications_queue_jobs')).toHaveLength(6);
    expect((await lines(metrics.registry, 'dictamesh_notifications_queue_jobs')).every((l) => l.endsWith(' 0'))).toBe(true);
  });
});
