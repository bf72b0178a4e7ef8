import type { FastifyInstance } from 'fastify';
import { checkTables, failingTables, type Database } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';

/** What one readiness check found. */
export interface Readiness {
  ready: boolean;
  /** Merged into the `/readyz` body (e.g. `{ database: 'pglite', tables: {...} }`); keys of different checks must differ. */
  details?: Record<string, unknown>;
}

/**
 * One readiness check: resolves with what it found. A check that throws counts as not ready,
 * its error message under its own name in the body.
 */
export type ReadinessCheck = () => Promise<Readiness>;

/**
 * Serves `/healthz` (the process answers: always 200 `{ status: 'ok' }`) and `/readyz`: runs
 * every check one after the other; 200 `{ status: 'ok', ...details }` when all are ready, else
 * 503 `{ status: 'unavailable', ...details }` and a warning log naming what failed.
 */
export function installHealthRoutes(app: FastifyInstance, checks: Readonly<Record<string, ReadinessCheck>>, logger: Logger): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    let ready = true;
    const details: Record<string, unknown> = {};
    const failing: Record<string, unknown> = {};
    for (const [name, check] of Object.entries(checks)) {
      let result: Readiness;
      try {
        result = await check();
      } catch (error) {
        result = { ready: false, details: { [name]: error instanceof Error ? error.message : String(error) } };
      }
      Object.assign(details, result.details);
      if (!result.ready) {
        ready = false;
        failing[name] = result.details ?? 'not ready';
      }
    }
    if (ready) return { status: 'ok', ...details };
    logger.warn({ checks: failing }, 'readiness check failed');
    return reply.status(503).send({ status: 'unavailable', ...details });
  });
}

/**
 * Readiness of a DictaMesh database: ready when every `dictamesh_*` table can be read
 * (`checkTables` of @dictamesh/db, so a corrupted or missing data file shows here, not only
 * in queries). Details: `{ database: 'pglite' | 'postgres' }`, plus `tables` (table → the
 * database's error) when some cannot be read.
 *
 * @param ownTables limits the check to the service's own tables (a damaged entity table makes
 *   the catalog unready, not billing); a failure of the whole database (`*`) always counts
 */
export function tableReadiness(db: Pick<Database, 'runner' | 'kind'>, ownTables?: (table: string) => boolean): ReadinessCheck {
  return async () => {
    const all = failingTables(await checkTables(db.runner));
    const failing = ownTables ? Object.fromEntries(Object.entries(all).filter(([table]) => table === '*' || ownTables(table))) : all;
    return Object.keys(failing).length === 0
      ? { ready: true, details: { database: db.kind } }
      : { ready: false, details: { database: db.kind, tables: failing } };
  };
}
