import { Counter, type Registry } from 'prom-client';
import { createMetricsRegistry } from '@dictamesh/subgraph-kit';
import type { ApplyResult } from './ingest/apply-change';

/** The catalog's own Prometheus metrics (the kit serves them with the process metrics and the consumer lag). */
export interface CatalogMetrics {
  registry: Registry;
  /** Counts one applied change by its outcome. */
  applied(result: ApplyResult): void;
  deadLettersRecorded(count: number): void;
}

/**
 * Creates the catalog's metrics (prom-client) on a registry of its own
 * ({@link createMetricsRegistry}): `dictamesh_catalog_events_total{result}`
 * (applied | stale | duplicate) and `dictamesh_dead_letters_recorded_total`.
 */
export function createCatalogMetrics(): CatalogMetrics {
  const registry = createMetricsRegistry();
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
  return {
    registry,
    applied: (result) => events.inc({ result }),
    deadLettersRecorded: (count) => deadLetters.inc(count),
  };
}
