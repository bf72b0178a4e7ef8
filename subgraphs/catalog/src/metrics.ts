import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { EventBus } from '@dictamesh/events';
import type { ApplyResult } from './ingest/apply-change';

/** Prometheus metrics of one catalog service (own registry, so several can share a process). */
export interface CatalogMetrics {
  registry: Registry;
  /** Counts one applied change by its outcome. */
  applied(result: ApplyResult): void;
  deadLettersRecorded(count: number): void;
}

/**
 * Creates the catalog's metrics (prom-client): `dictamesh_catalog_events_total{result}`
 * (applied | stale | duplicate), `dictamesh_dead_letters_recorded_total`,
 * `dictamesh_consumer_lag{group}` (records not yet committed, read from the bus on each
 * scrape) and the Node.js process metrics.
 */
export function createCatalogMetrics(bus: EventBus, groups: readonly string[]): CatalogMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const events = new Counter({
    name: 'dictamesh_catalog_events_total',
    help: 'Entity change events handled by the catalog ingest, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'dictamesh_dead_letters_recorded_total',
    help: 'Records of the DLQ topic recorded in the catalog',
    registers: [registry],
  });
  new Gauge({
    name: 'dictamesh_consumer_lag',
    help: 'Records published but not yet committed by the consumer group',
    labelNames: ['group'] as const,
    registers: [registry],
    async collect() {
      for (const group of groups) this.set({ group }, await bus.lag(group));
    },
  });
  return {
    registry,
    applied: (result) => events.inc({ result }),
    deadLettersRecorded: (count) => deadLetters.inc(count),
  };
}
