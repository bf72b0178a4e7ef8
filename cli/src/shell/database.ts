import { join } from 'node:path';
import { openDatabase, type Database, type DatabaseConfig } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import { parseStackEnv, type StackEnv } from '../env';
import { CliFailure } from './failure';

/** The variables a command reads its configuration from (`process.env`, or a test's). */
export type Environment = Record<string, string | undefined>;

/** Where the stack keeps its database: `DATABASE_URL`, else PGlite in `<DICTAMESH_DATA_DIR>/pglite`. */
export function databaseConfig(env: StackEnv): DatabaseConfig {
  return env.database.DATABASE_URL ? { url: env.database.DATABASE_URL } : { dataDir: join(env.database.DICTAMESH_DATA_DIR, 'pglite') };
}

/** The database as a person reads it: `Postgres (DATABASE_URL)` or `PGlite in <dir>`. */
export function databaseLabel(env: StackEnv): string {
  return env.database.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `PGlite in ${join(env.database.DICTAMESH_DATA_DIR, 'pglite')}`;
}

/**
 * An error as a command's failure: a {@link CliFailure} as it is, a DictaMesh error with its code
 * (first line of its message; only `problems` kept of its details, to be listed), anything
 * else (a connection error of `pg`) as `fallbackCode` with its message.
 */
export function failureOf(error: unknown, fallbackCode: string): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof DictaMeshError) {
    // the problems of an invalid configuration are listed one a line; other details are in the message already
    const { problems } = error.details as { problems?: unknown };
    return new CliFailure(error.code, error.message.split('\n')[0]!, Array.isArray(problems) ? { problems } : {});
  }
  // a refused connection to localhost is an AggregateError of one error per address, without a message of its own
  const first = error instanceof AggregateError && !error.message ? (error.errors[0] as unknown) : error;
  const message = first instanceof Error ? first.message || first.constructor.name : String(first);
  return new CliFailure(fallbackCode, message.split('\n')[0]!);
}

/**
 * The stack's configuration from `environment`.
 * @throws CliFailure `CONFIGURATION_INVALID` with every problem
 */
export function stackEnvOf(environment: Environment): StackEnv {
  try {
    return parseStackEnv(environment);
  } catch (error) {
    throw failureOf(error, 'CONFIGURATION_INVALID');
  }
}

/**
 * Runs `work` on the stack's database, opened as `dictamesh start` opens it (closed after).
 * @param migrate apply pending migrations first (the stack does); false reads the schema as it is
 * @throws CliFailure `DATA_DIR_IN_USE` (a running DictaMesh holds the PGlite directory),
 *   `MIGRATION_FAILED`, `DATABASE_UNREACHABLE` (connection refused, bad credentials…), and
 *   what `work` throws (DictaMesh errors with their code)
 */
export async function withDatabase<T>(env: StackEnv, migrate: boolean, work: (db: Database) => Promise<T>): Promise<T> {
  let db: Database | undefined;
  try {
    db = await openDatabase(databaseConfig(env), { migrate });
    await db.runner.query('SELECT 1'); // a pg pool connects on first use: reach it now
  } catch (error) {
    await db?.close().catch(() => undefined);
    const failure = failureOf(error, 'DATABASE_UNREACHABLE');
    throw failure.code === 'DATABASE_UNREACHABLE' ? new CliFailure(failure.code, `${databaseLabel(env)}: ${failure.message}`) : failure;
  }
  try {
    return await work(db);
  } catch (error) {
    throw failureOf(error, 'DATABASE_ERROR');
  } finally {
    await db.close();
  }
}
