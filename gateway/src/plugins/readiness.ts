import type { FastifyInstance } from 'fastify';
import type { SubgraphSource } from '../supergraph';

/** Readiness of one subgraph: `ok`, or why not. */
export type SubgraphReadiness = 'ok' | string;

/**
 * Asks every subgraph `{ __typename }` and, when it has a {@link SubgraphSource.readinessUrl},
 * its own readiness (a DictaMesh subgraph's `/readyz` reads its tables: a GraphQL endpoint
 * that answers proves nothing about its database). Timeout per subgraph in ms.
 * @returns subgraph name → `ok` or the reason it is not ready (the failing tables it names)
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
        if (!response.ok) return [s.name, `HTTP ${response.status}`];
        return [s.name, s.readinessUrl ? await subgraphReadiness(s.readinessUrl, timeoutMs) : 'ok'];
      } catch (error) {
        return [s.name, error instanceof Error ? error.message : String(error)];
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** `ok` when a subgraph's readiness endpoint answers 200, else its status and the tables it names as failing. */
async function subgraphReadiness(url: string, timeoutMs: number): Promise<SubgraphReadiness> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.ok) return 'ok';
  const body = (await response.json().catch(() => ({}))) as { tables?: Record<string, string> };
  const tables = Object.entries(body.tables ?? {}).map(([table, reason]) => `${table}: ${reason}`);
  return `not ready (HTTP ${response.status})${tables.length ? `: ${tables.join('; ')}` : ''}`;
}

/**
 * Runs each dependency probe (event bus, Redis…) with a timeout.
 * @returns dependency name → `ok` or the reason it is not reachable
 */
export async function checkDependencies(
  probes: Record<string, () => Promise<unknown>>,
  timeoutMs: number,
): Promise<Record<string, SubgraphReadiness>> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, string]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([probe(), timeout]);
        return [name, 'ok'];
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * `GET /healthz` (the process is up) and `GET /readyz` (every subgraph answers and every
 * dependency — event bus, Redis — is reachable; 503 naming the failing ones otherwise), the
 * Kubernetes liveness/readiness convention.
 */
export function createHealthRoutes(
  app: FastifyInstance,
  subgraphs: readonly SubgraphSource[],
  /** Headers of the probes (the gateway's principal token). */
  headers?: () => Promise<Record<string, string>>,
  dependencies: Record<string, () => Promise<unknown>> = {},
  timeoutMs = 2_000,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const [status, deps] = await Promise.all([checkSubgraphs(subgraphs, timeoutMs, headers), checkDependencies(dependencies, timeoutMs)]);
    const ready = [...Object.values(status), ...Object.values(deps)].every((s) => s === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', subgraphs: status, dependencies: deps });
  });
}
