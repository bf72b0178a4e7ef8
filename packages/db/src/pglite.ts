import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { restrictToOwner } from './owner-only';
import type { SqlRunner } from './sql-runner';

/**
 * Opens the embedded Postgres (PGlite, PostgreSQL in WASM) with the pgvector extension. The
 * data directory is readable by its owner only (directories 0700, files 0600, fixed on every
 * open for directories created by older versions; see {@link restrictToOwner}).
 *
 * @param dataDir - directory for the data files (created if missing; survives restarts), or
 *   `memory://` for a throw-away database (tests).
 * @throws when the directory cannot be created, its modes cannot be changed, or it holds
 *   files of another PGlite version.
 */
export async function openPGlite(dataDir: string): Promise<PGlite> {
  if (dataDir.startsWith('memory://')) return PGlite.create({ dataDir, extensions: { vector } });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrictToOwner(dataDir);
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  restrictToOwner(dataDir); // the files initdb just wrote
  return db;
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
