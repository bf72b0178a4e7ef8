import type { PrismaClient } from '@dictamesh/db';
import { Registry } from 'prom-client';

/** SCAFFOLD (issue 15, helper "queue"): the notifications service's Prometheus metrics. */
export function createNotificationsMetrics(_prisma: PrismaClient): { registry: Registry } {
  return { registry: new Registry() };
}
