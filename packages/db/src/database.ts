import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Logger } from '@dictamesh/runtime';
import { PrismaClient } from '../generated/prisma/client';
import { lockDataDir } from './data-dir-lock';
import { applyMigrations, type MigrationReport } from './migrate';
import { restrictToOwner } from './owner-only';
import { openPGlite, pgliteRunner } from './pglite';
import { poolRunner } from './postgres';
import type { SqlRunner } from './sql-runner';

/** The repository's `prisma/migrations` folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/**
 * Defaults of every interactive transaction, ms. PGlite runs one statement at a time, so under
 * load a transaction waits for the connection longer than Prisma's 2 s `maxWait`; failing then
 * would fail work that was about to succeed (and, for a job that already reached a provider,
 * send it again on retry).
 */
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

/** Where the catalog lives. */
export type DatabaseConfig =
  /** Any Postgres with pgvector, e.g. `postgresql://user:pass@host:5432/dictamesh`. */
  | { url: string; poolSize?: number }
  /** Embedded PGlite with its files in `dataDir` (or `memory://`). */
  | { dataDir: string };

/** An open catalog database: the Prisma client plus raw access for migrations and pgvector. */
export interface Database {
  prisma: PrismaClient;
  runner: SqlRunner;
  kind: 'postgres' | 'pglite';
  migrations: MigrationReport;
  /** The PGlite instance on the embedded default (for serving it over TCP), else undefined. */
  pglite?: PGlite;
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  log?: Logger;
  /** Called for every SQL statement Prisma sends (query counting, tracing). */
  onQuery?: (sql: string, durationMs: number) => void;
  /** Apply pending migrations (default true); false opens the schema as it is (`dictamesh migrate status`, `doctor`). */
  migrate?: boolean;
}

/**
 * Opens the catalog database and brings its schema up to date (applies
 * `prisma/migrations/*` that are not applied yet, unless `options.migrate` is false). A PGlite
 * data directory on disk is locked for this process until `close` ({@link lockDataDir}).
 *
 * @throws DictaMeshError `MIGRATION_FAILED`; `DATA_DIR_IN_USE` when another process holds the
 *   PGlite data directory; connection errors of `pg` / PGlite as thrown
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  const driver = 'url' in config ? postgresDriver(config.url, config.poolSize ?? 10) : await pgliteDriver(config.dataDir);
  try {
    const migrations =
      options.migrate === false ? { applied: [], alreadyApplied: [] } : await applyMigrations(driver.runner, MIGRATIONS_DIR, options.log);
    if (driver.dataDir) restrictToOwner(driver.dataDir); // the relation files the migrations created
    const prisma = new PrismaClient({
      adapter: driver.adapter,
      log: options.onQuery ? [{ emit: 'event', level: 'query' }] : [],
      transactionOptions: TRANSACTION_OPTIONS,
    });
    subscribeQueries(prisma, options.onQuery);
    return {
      prisma,
      runner: driver.runner,
      kind: driver.kind,
      migrations,
      ...(driver.pglite ? { pglite: driver.pglite } : {}),
      async close() {
        await prisma.$disconnect();
        await driver.close();
      },
    };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

/** The connection behind a {@link Database}: raw runner plus the Prisma driver adapter. */
interface Driver {
  kind: Database['kind'];
  runner: SqlRunner;
  adapter: NonNullable<ConstructorParameters<typeof PrismaClient>[0]['adapter']>;
  pglite?: PGlite;
  /** The PGlite data directory on disk (not for `memory://`). */
  dataDir?: string;
  close(): Promise<void>;
}

function postgresDriver(url: string, poolSize: number): Driver {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  return { kind: 'postgres', runner: poolRunner(pool), adapter: new PrismaPg(pool), close: () => pool.end() };
}

async function pgliteDriver(dataDir: string): Promise<Driver> {
  const onDisk = !dataDir.startsWith('memory://');
  const release = onDisk ? lockDataDir(dataDir) : () => undefined;
  let db: PGlite;
  try {
    db = await openPGlite(dataDir);
  } catch (error) {
    release();
    throw error;
  }
  return {
    kind: 'pglite',
    runner: pgliteRunner(db),
    adapter: new PrismaPGlite(db),
    pglite: db,
    ...(onDisk ? { dataDir } : {}),
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}

function subscribeQueries(prisma: PrismaClient, onQuery: OpenDatabaseOptions['onQuery']): void {
  if (!onQuery) return;
  (prisma as unknown as { $on(e: 'query', cb: (ev: { query: string; duration: number }) => void): void }).$on('query', (ev) =>
    onQuery(ev.query, ev.duration),
  );
}
