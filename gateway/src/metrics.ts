import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationUsage } from '@dictamesh/events';
import type { FetchObserver } from './fetch/subgraph-fetcher';

/** Prometheus metrics of one gateway (own registry, so several can share a process). */
export interface GatewayMetrics {
  registry: Registry;
  /** Records an operation's estimated cost. */
  operationCost(operationName: string | null, cost: number): void;
  /** Subgraph fetches: count and latency by subgraph and result, deduplicated fetches. */
  fetches: FetchObserver;
  /** Counts a query plan cache lookup. */
  planCache(hit: boolean): void;
  /** Counts a supergraph put in service (start and every hot reload). */
  supergraphLoaded(): void;
  /** Counts fields removed from an operation by authorization. */
  unauthorizedFields(operationName: string | null, removed: number): void;
  /** Records a client operation: count and latency by operation name, type and result. */
  operation(usage: OperationUsage): void;
  /** Counts usage records dropped because the usage stream stayed unavailable. */
  usageDropped(count: number): void;
  /** Reports the open subscriptions (`entityChanged` listeners) of this gateway, read at each scrape. */
  subscriptions(count: () => number): void;
}

/** Distinct operation names kept as label values; later ones are counted as `other`. */
const MAX_OPERATION_LABELS = 500;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * Creates the gateway's metrics (prom-client): `dictamesh_gateway_operation_cost{operation}`
 * (histogram of estimated costs, cost spec units),
 * `dictamesh_gateway_subgraph_fetch_duration_seconds{subgraph,result}`,
 * `dictamesh_gateway_subgraph_fetches_deduplicated_total{subgraph}`,
 * `dictamesh_gateway_query_plan_cache_total{result}`, `dictamesh_gateway_supergraph_loads_total`,
 * `dictamesh_gateway_unauthorized_fields_total{operation}`,
 * `dictamesh_gateway_operations_total{operation,type,result}`,
 * `dictamesh_gateway_operation_duration_seconds{operation,type,result}`, `dictamesh_gateway_usage_dropped_total`,
 * `dictamesh_gateway_subscriptions` (open subscriptions) and the Node.js process metrics. Operation
 * names come from clients, so at most 500 distinct ones become label values (`anonymous`
 * without a name, `other` beyond the cap or for names that are not GraphQL names).
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const cost = new Histogram({
    name: 'dictamesh_gateway_operation_cost',
    help: 'Estimated cost of GraphQL operations (demand control, cost spec units), by operation name',
    labelNames: ['operation'] as const,
    buckets: [1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000],
    registers: [registry],
  });
  const names = new Set<string>();
  const label = (name: string | null): string => {
    if (!name) return 'anonymous';
    if (names.has(name)) return name;
    if (!OPERATION_NAME.test(name) || names.size >= MAX_OPERATION_LABELS) return 'other';
    names.add(name);
    return name;
  };
  const fetchDuration = new Histogram({
    name: 'dictamesh_gateway_subgraph_fetch_duration_seconds',
    help: 'Gateway → subgraph fetches, by subgraph and result (ok | error | timeout)',
    labelNames: ['subgraph', 'result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const deduplicated = new Counter({
    name: 'dictamesh_gateway_subgraph_fetches_deduplicated_total',
    help: 'Subgraph fetches answered by an identical fetch already in flight',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  const plans = new Counter({
    name: 'dictamesh_gateway_query_plan_cache_total',
    help: 'Query plan cache lookups, by result (hit | miss)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const supergraphs = new Counter({
    name: 'dictamesh_gateway_supergraph_loads_total',
    help: 'Supergraphs put in service: the first one and every hot reload',
    registers: [registry],
  });
  const unauthorized = new Counter({
    name: 'dictamesh_gateway_unauthorized_fields_total',
    help: 'Fields removed from operations by @authenticated / @requiresScopes, by operation name',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const operations = new Counter({
    name: 'dictamesh_gateway_operations_total',
    help: 'GraphQL operations answered, by operation name, type and result (ok | partial | error | refused)',
    labelNames: ['operation', 'type', 'result'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'dictamesh_gateway_operation_duration_seconds',
    help: 'GraphQL operation latency at the gateway, by operation name, type and result',
    labelNames: ['operation', 'type', 'result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const usageDropped = new Counter({
    name: 'dictamesh_gateway_usage_dropped_total',
    help: 'Usage records dropped because the usage stream stayed unavailable longer than its buffer',
    registers: [registry],
  });
  return {
    registry,
    operationCost: (name, value) => cost.observe({ operation: label(name) }, value),
    fetches: {
      fetched: (subgraph, result, seconds) => fetchDuration.observe({ subgraph, result }, seconds),
      deduplicated: (subgraph) => deduplicated.inc({ subgraph }),
    },
    planCache: (hit) => plans.inc({ result: hit ? 'hit' : 'miss' }),
    supergraphLoaded: () => supergraphs.inc(),
    unauthorizedFields: (name, removed) => unauthorized.inc({ operation: label(name) }, removed),
    operation: (usage) => {
      const labels = { operation: label(usage.operationName), type: usage.operationType, result: usage.result };
      operations.inc(labels);
      operationDuration.observe(labels, usage.durationMs / 1_000);
    },
    usageDropped: (count) => usageDropped.inc(count),
    subscriptions: (count) =>
      void new Gauge({
        name: 'dictamesh_gateway_subscriptions',
        help: 'Open GraphQL subscriptions (entityChanged listeners) of this gateway',
        registers: [registry],
        collect() {
          this.set(count());
        },
      }),
  };
}
