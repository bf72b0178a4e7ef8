import type { FastifyInstance } from 'fastify';
import type { SubgraphSource } from '../supergraph';

/** Readiness of one subgraph: `ok`, or why not. */
export type SubgraphReadiness = 'ok' | string;

/**
 * Asks every subgraph `{ __typename }` (timeout per subgraph in ms).
 * @returns subgraph name → `ok` or the reason it is not ready
 */
export async function checkSubgraphs(
  subgraphs: readonly SubgraphSource[],
  timeoutMs: number,
  headers: () => Promise<Record<string, string>> = async () => ({}),
): Promise<Record<string, SubgraphReadiness>> {
  const extra = await headers();
  const entries = await Promise.all(
    subgraphs.map(async (s): Promise<[string, SubgraphReadiness]> => {
      try {
        const response = await fetch(s.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...extra },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(timeoutMs),
        });
        return [s.name, response.ok ? 'ok' : `HTTP ${response.status}`];
      } catch (error) {
        return [s.name, error instanceof Error ? error.message : String(error)];
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * `GET /healthz` (the process is up) and `GET /readyz` (every subgraph answers; 503 with
 * the failing ones otherwise), the Kubernetes liveness/readiness convention.
 */
export function createHealthRoutes(
  app: FastifyInstance,
  subgraphs: readonly SubgraphSource[],
  /** Headers of the probes (the gateway's principal token). */
  headers?: () => Promise<Record<string, string>>,
  timeoutMs = 2_000,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const status = await checkSubgraphs(subgraphs, timeoutMs, headers);
    const ready = Object.values(status).every((s) => s === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', subgraphs: status });
  });
}
