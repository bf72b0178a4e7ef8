import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { SqlRunner } from './sql-runner';

/**
 * Opens the embedded Postgres (PGlite, PostgreSQL in WASM) with the pgvector extension.
 *
 * @param dataDir - directory for the data files (created if missing; survives restarts), or
 *   `memory://` for a throw-away database (tests).
 * @throws when the directory cannot be created or holds files of another PGlite version.
 */
export async function openPGlite(dataDir: string): Promise<PGlite> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  return PGlite.create({ dataDir, extensions: { vector } });
}

/** A {@link SqlRunner} over one PGlite instance (which runs one statement at a time). */
export function pgliteRunner(db: PGlite): SqlRunner {
  const runner: Omit<SqlRunner, 'session'> = {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await db.query<Row>(sql, params);
      return result.rows;
    },
  };
  return { ...runner, session: (fn) => fn(runner) };
}
