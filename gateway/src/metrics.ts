import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one gateway (own registry, so several can share a process). */
export interface GatewayMetrics {
  registry: Registry;
  /** Records an operation's estimated cost. */
  operationCost(operationName: string | null, cost: number): void;
}

/** Distinct operation names kept as label values; later ones are counted as `other`. */
const MAX_OPERATION_LABELS = 500;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * Creates the gateway's metrics (prom-client): `dictamesh_gateway_operation_cost{operation}`
 * (histogram of estimated costs, cost spec units) and the Node.js process metrics. Operation
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
  return { registry, operationCost: (name, value) => cost.observe({ operation: label(name) }, value) };
}
