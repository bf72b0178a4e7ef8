import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { EventBus } from '@dictamesh/events';

/**
 * A Prometheus registry (prom-client) with the Node.js process metrics. Each service has its
 * own, so several services can share a process; a subgraph registers its own metrics on it
 * and hands it to the kit ({@link SubgraphServiceOptions.registry}).
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Registers `dictamesh_consumer_lag{group}`: records published but not yet committed by each
 * consumer group, read from the bus on each scrape.
 */
export function registerConsumerLag(registry: Registry, bus: EventBus, groups: readonly string[]): void {
  new Gauge({
    name: 'dictamesh_consumer_lag',
    help: 'Records published but not yet committed by the consumer group',
    labelNames: ['group'] as const,
    registers: [registry],
    async collect() {
      for (const group of groups) this.set({ group }, await bus.lag(group));
    },
  });
}

/** Serves `GET /metrics` in the Prometheus text format. */
export function installMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
