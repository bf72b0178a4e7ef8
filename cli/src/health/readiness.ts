import type { z } from 'zod';
import type { serverEnvSchema } from '../env-server';

/** The parsed `server` concern (`serverEnvSchema`). */
type ServerEnv = z.output<typeof serverEnvSchema>;

/** One service of this process and its readiness endpoint. */
export interface ReadinessTarget {
  /** The `DICTAMESH_SERVICES` entry (`gateway`, `catalog`, `adapters`, …). */
  service: string;
  /** `http://<host>:<port>/readyz`. */
  url: string;
}

/** The outcome of one target's check. */
export interface ReadinessResult extends ReadinessTarget {
  ready: boolean;
  /** The HTTP status, or why no answer came (`timeout`, `ECONNREFUSED`, …). */
  status: number | string;
}

/** The services with a `/readyz`, gateway first, and the server variable of each one's port. */
export const READY_SERVICES = {
  gateway: 'GATEWAY_PORT',
  catalog: 'CATALOG_PORT',
  adapters: 'ADAPTERS_PORT',
  billing: 'BILLING_PORT',
  config: 'CONFIG_PORT',
  notifications: 'NOTIFICATIONS_PORT',
} as const satisfies Record<string, keyof ServerEnv>;

/** A service with a `/readyz` (a key of {@link READY_SERVICES}). */
export type ReadyService = keyof typeof READY_SERVICES;

/**
 * `http://<host>:<port>/readyz` of a service this process runs: its port variable and `HOST`, the
 * wildcard addresses meaning loopback (where a process is reached from inside its container).
 */
export function localReadyzUrl(server: ServerEnv, service: ReadyService): string {
  const host = ['0.0.0.0', '::', '[::]', ''].includes(server.HOST) ? '127.0.0.1' : server.HOST;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${server[READY_SERVICES[service]]}/readyz`;
}

/**
 * The `/readyz` URL of every service `DICTAMESH_SERVICES` runs in this process, on the ports of
 * the same variables `dictamesh start` reads ({@link READY_SERVICES}), gateway first.
 * @throws Error when a service's port is 0 (a port picked at start cannot be known here)
 */
export function readinessTargets(server: ServerEnv): ReadinessTarget[] {
  return (Object.keys(READY_SERVICES) as ReadyService[])
    .filter((service) => server.DICTAMESH_SERVICES.has(service))
    .map((service) => {
      if (server[READY_SERVICES[service]] === 0)
        throw new Error(`the ${service} listens on a port picked at start (0): set its *_PORT to check it`);
      return { service, url: localReadyzUrl(server, service) };
    });
}

/**
 * GETs every target's `/readyz` at once; a target is ready on a 2xx answer within `timeoutMs`.
 * @param fetcher the fetch to use (the global one; tests inject theirs)
 * @returns one result per target, in their order; never rejects
 */
export async function checkReadiness(
  targets: readonly ReadinessTarget[],
  timeoutMs: number,
  fetcher: typeof fetch = fetch,
): Promise<ReadinessResult[]> {
  return Promise.all(
    targets.map(async (target) => {
      try {
        const response = await fetcher(target.url, { signal: AbortSignal.timeout(timeoutMs) });
        await response.body?.cancel();
        return { ...target, ready: response.ok, status: response.status };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        const status = (error as Error).name === 'TimeoutError' ? 'timeout' : (cause ?? (error as Error).message);
        return { ...target, ready: false, status };
      }
    }),
  );
}

/** One line for the container's health log: `ready: gateway` or `not ready: catalog (503 http://…/readyz)`. */
export function readinessLine(results: readonly ReadinessResult[]): string {
  const failed = results.filter((r) => !r.ready);
  if (failed.length === 0) return `ready: ${results.map((r) => r.service).join(', ')}`;
  return `not ready: ${failed.map((r) => `${r.service} (${r.status} ${r.url})`).join(', ')}`;
}
