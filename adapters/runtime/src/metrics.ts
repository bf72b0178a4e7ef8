import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SyncMode, WebhookObserver } from '@dictamesh/adapter-sdk';
import { createMetricsRegistry } from '@dictamesh/subgraph-kit';

/** An adapter as its metrics label it: registration id and kind (never its organisation). */
export interface AdapterLabels {
  id: string;
  kind: string;
}

/** How a sync run ended: ran to its end, threw, or was stopped (pause, update, removal, shutdown). */
export type SyncOutcome = 'completed' | 'failed' | 'aborted';

/** Where a source refused or failed: its `initialize`, a health check, or a sync. */
export type SourceOperation = 'initialize' | 'health' | 'sync';

/** What the adapter host reports to its metrics ({@link createAdapterMetrics}). */
export interface AdapterHostMetrics {
  /** The adapter's last health (initialize or health check) on this instance. */
  health(adapter: AdapterLabels, healthy: boolean): void;
  /** `count` entity changes of a sync run published (called after each batch). */
  recordsSynced(adapter: AdapterLabels, mode: SyncMode, count: number): void;
  /** A sync run ended after `seconds`; a completed one sets the last successful sync to `at` (ms since epoch). */
  syncEnded(adapter: AdapterLabels, mode: SyncMode, outcome: SyncOutcome, seconds: number, at: number): void;
  /** The source failed one operation. */
  sourceError(adapter: AdapterLabels, operation: SourceOperation): void;
  /** The adapter no longer runs on this instance: its health and last-sync gauges are dropped (its counters stay). */
  stopped(adapter: AdapterLabels): void;
}

/** The adapter runtime's metrics: the registry served on the adapters subgraph's `/metrics`, and the host's hooks. */
export interface AdapterMetrics extends AdapterHostMetrics {
  registry: Registry;
}

/**
 * Creates the adapter runtime's metrics (prom-client, a registry of its own with the process
 * defaults, {@link createMetricsRegistry}), each labelled by registration id (`adapter`) and
 * `kind` — registrations are few and operator-made; organisations are left out:
 * - `dictamesh_adapter_healthy{adapter,kind}`: 1 healthy, 0 unhealthy (failed initialize or
 *   health check), for the adapters running on this instance;
 * - `dictamesh_adapter_sync_duration_seconds{adapter,kind,mode,outcome}`: sync runs by mode
 *   (backfill | incremental) and outcome (completed | failed | aborted);
 * - `dictamesh_adapter_records_synced_total{adapter,kind,mode}`: entity changes published by syncs;
 * - `dictamesh_adapter_last_successful_sync_timestamp_seconds{adapter,kind}`: end of the last
 *   completed sync, Unix seconds;
 * - `dictamesh_adapter_source_errors_total{adapter,kind,operation}`: source failures by
 *   operation (initialize | health | sync).
 */
export function createAdapterMetrics(): AdapterMetrics {
  const registry = createMetricsRegistry();
  const healthy = new Gauge({
    name: 'dictamesh_adapter_healthy',
    help: 'Whether the adapter is healthy (1) or not (0): its last initialize or health check, on the instance running it',
    labelNames: ['adapter', 'kind'] as const,
    registers: [registry],
  });
  const syncDuration = new Histogram({
    name: 'dictamesh_adapter_sync_duration_seconds',
    help: 'Adapter sync runs, by mode (backfill | incremental) and outcome (completed | failed | aborted)',
    labelNames: ['adapter', 'kind', 'mode', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400],
    registers: [registry],
  });
  const records = new Counter({
    name: 'dictamesh_adapter_records_synced_total',
    help: 'Entity changes published by adapter syncs, by mode',
    labelNames: ['adapter', 'kind', 'mode'] as const,
    registers: [registry],
  });
  const lastSync = new Gauge({
    name: 'dictamesh_adapter_last_successful_sync_timestamp_seconds',
    help: 'When the last completed sync of the adapter ended, Unix seconds',
    labelNames: ['adapter', 'kind'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'dictamesh_adapter_source_errors_total',
    help: 'Source failures of adapters, by operation (initialize | health | sync)',
    labelNames: ['adapter', 'kind', 'operation'] as const,
    registers: [registry],
  });
  const labels = (a: AdapterLabels) => ({ adapter: a.id, kind: a.kind });
  return {
    registry,
    health: (a, ok) => healthy.set(labels(a), ok ? 1 : 0),
    recordsSynced: (a, mode, count) => records.inc({ ...labels(a), mode }, count),
    syncEnded(a, mode, outcome, seconds, at) {
      syncDuration.observe({ ...labels(a), mode, outcome }, seconds);
      if (outcome === 'completed') lastSync.set(labels(a), at / 1_000);
    },
    sourceError: (a, operation) => errors.inc({ ...labels(a), operation }),
    stopped(a) {
      healthy.remove(labels(a));
      lastSync.remove(labels(a));
    },
  };
}

/** The webhook endpoint's metrics: the registry served on its own `/metrics`, and the observer the webhook server reports to. */
export interface WebhookMetrics {
  registry: Registry;
  observer: WebhookObserver;
}

/**
 * Creates the webhook endpoint's metrics (prom-client, a registry of its own with the process
 * defaults), labelled by adapter `kind` (the installed kinds: unknown paths are 404 and not
 * counted), `result` and the registered error `code` — no adapter ids, accounts or organisations
 * on these high-volume series:
 * - `dictamesh_webhook_deliveries_total{kind,result,code}`: requests to webhook routes by result
 *   (accepted | ignored | rejected) and code (`none`, `WEBHOOK_EVENT_IGNORED` or the refusal's code);
 * - `dictamesh_webhook_events_accepted_total{kind}`: CloudEvents published from accepted deliveries;
 * - `dictamesh_webhook_request_duration_seconds{kind,result}`: from arrival to response.
 */
export function createWebhookMetrics(): WebhookMetrics {
  const registry = createMetricsRegistry();
  const deliveries = new Counter({
    name: 'dictamesh_webhook_deliveries_total',
    help: 'Webhook deliveries by adapter kind, result (accepted | ignored | rejected) and code (none | WEBHOOK_EVENT_IGNORED | the refusal code)',
    labelNames: ['kind', 'result', 'code'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'dictamesh_webhook_events_accepted_total',
    help: 'CloudEvents published from accepted webhook deliveries, by adapter kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'dictamesh_webhook_request_duration_seconds',
    help: 'Webhook requests from arrival to response, by adapter kind and result',
    labelNames: ['kind', 'result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return {
    registry,
    observer: {
      delivered({ kind, result, code, events: published, seconds }) {
        deliveries.inc({ kind, result, code });
        if (published > 0) events.inc({ kind }, published);
        duration.observe({ kind, result }, seconds);
      },
    },
  };
}
