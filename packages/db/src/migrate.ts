import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, type Logger } from '@dictamesh/runtime';
import type { SqlRunner } from './sql-runner';

/** Prisma Migrate's advisory lock key, so this migrator and `prisma migrate deploy` exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

const BOOKKEEPING_DDL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);`;

/** One folder of `prisma/migrations/`. */
export interface MigrationFile {
  /** Folder name, e.g. `20261121000000_init`. */
  name: string;
  sql: string;
  /** SHA-256 of `migration.sql`, hex — the checksum Prisma Migrate records. */
  checksum: string;
}

/** Result of {@link applyMigrations}: folder names applied now and already applied before. */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** Reads `<dir>/<name>/migration.sql` for every migration folder, in name order. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies pending migrations the way `prisma migrate deploy` does, without the Prisma CLI
 * (whose schema engine cannot be downloaded offline): same folder layout, same
 * `_prisma_migrations` table and advisory lock, so the standard CLI stays usable where it runs.
 * Each migration runs in its own transaction, so a failure leaves nothing half-applied.
 * Idempotent: applied migrations are skipped; an edited applied migration is logged.
 *
 * @param runner - database access (PGlite or a `pg` pool)
 * @param dir - the `prisma/migrations` folder
 * @throws DictaMeshError `MIGRATION_FAILED` naming the migration and the database error
 */
export async function applyMigrations(runner: SqlRunner, dir: string, log?: Logger): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  return runner.session(async (db) => {
    await db.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      await db.exec(BOOKKEEPING_DDL);
      const rows = await db.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
      const report: MigrationReport = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        const recorded = done.get(migration.name);
        if (recorded !== undefined) {
          if (recorded !== migration.checksum) {
            log?.warn({ migration: migration.name }, 'applied migration was edited after it was applied');
          }
          report.alreadyApplied.push(migration.name);
          continue;
        }
        const id = randomUUID();
        try {
          await db.exec('BEGIN');
          await db.exec(migration.sql);
          await db.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [id, migration.checksum, migration.name],
          );
          await db.exec('COMMIT');
        } catch (cause) {
          await db.exec('ROLLBACK').catch(() => undefined);
          const reason = cause instanceof Error ? cause.message : String(cause);
          throw err('MIGRATION_FAILED', `Migration ${migration.name} failed: ${reason}`, { migration: migration.name }, cause);
        }
        log?.info({ migration: migration.name }, 'applied migration');
        report.applied.push(migration.name);
      }
      return report;
    } finally {
      await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    }
  });
}

/** Result of {@link migrationStatus}: folder names in name order. */
export interface MigrationStatus {
  /** Applied (recorded as finished and not rolled back in `_prisma_migrations`). */
  applied: string[];
  /** Not applied yet. */
  pending: string[];
  /** Applied, but `migration.sql` changed since (its checksum differs from the recorded one). */
  edited: string[];
  /** Recorded as applied but without a folder here (applied by a newer DictaMesh). */
  unknown: string[];
}

/**
 * Which migrations of `dir` the database has applied, read from `_prisma_migrations` without
 * changing anything (a database without that table has applied none).
 *
 * @param runner - database access (PGlite or a `pg` pool)
 * @param dir - the `prisma/migrations` folder
 * @throws the database's error when it cannot be read
 */
export async function migrationStatus(runner: SqlRunner, dir: string): Promise<MigrationStatus> {
  const migrations = await readMigrations(dir);
  const [{ present } = { present: false }] = await runner.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  const rows = present
    ? await runner.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      )
    : [];
  const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const known = new Set(migrations.map((m) => m.name));
  return {
    applied: migrations.filter((m) => done.has(m.name)).map((m) => m.name),
    pending: migrations.filter((m) => !done.has(m.name)).map((m) => m.name),
    edited: migrations.filter((m) => done.has(m.name) && done.get(m.name) !== m.checksum).map((m) => m.name),
    unknown: [...done.keys()].filter((name) => !known.has(name)).sort(),
  };
}
