import type { Command } from 'commander';
import { MIGRATIONS_DIR, migrationStatus } from '@dictamesh/db';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { databaseLabel, stackEnvOf, withDatabase, type Environment } from '../../shell/database';
import type { ExitCode } from '../../shell/failure';
import { processIo, type CliIo } from '../../shell/io';

/**
 * `dictamesh migrate`: applies the pending migrations of `prisma/migrations` to the stack's
 * database (what `dictamesh start` does first), one line per migration applied.
 * @returns 0
 * @throws CliFailure `MIGRATION_FAILED` (naming the migration; nothing of it applied),
 *   `DATA_DIR_IN_USE`, `DATABASE_UNREACHABLE`
 */
export async function migrateApply(io: CliIo, environment: Environment): Promise<ExitCode> {
  const env = stackEnvOf(environment);
  const report = await withDatabase(env, true, async (db) => db.migrations);
  for (const name of report.applied) io.out(`applied ${name}\n`);
  io.out(`${databaseLabel(env)}: ${report.applied.length} applied now, ${report.alreadyApplied.length} already applied\n`);
  return 0;
}

/**
 * `dictamesh migrate status`: each migration `applied` or `pending` (and `edited` after it was
 * applied, `unknown` when applied by a newer DictaMesh), read without changing anything.
 * @returns 0 when none is pending, 1 otherwise
 * @throws CliFailure `DATA_DIR_IN_USE`, `DATABASE_UNREACHABLE`
 */
export async function migrateStatus(io: CliIo, environment: Environment): Promise<ExitCode> {
  const env = stackEnvOf(environment);
  const status = await withDatabase(env, false, (db) => migrationStatus(db.runner, MIGRATIONS_DIR));
  for (const name of status.applied) io.out(`applied  ${name}${status.edited.includes(name) ? ' (edited since it was applied)' : ''}\n`);
  for (const name of status.pending) io.out(`pending  ${name}\n`);
  for (const name of status.unknown) io.out(`unknown  ${name} (applied, not in this version's prisma/migrations)\n`);
  io.out(
    `${databaseLabel(env)}: ${status.applied.length} applied, ${status.pending.length} pending${
      status.pending.length ? ' (run dictamesh migrate)' : ''
    }\n`,
  );
  return status.pending.length ? 1 : 0;
}

/**
 * `dictamesh migrate [status]`: database migrations of the stack's database (`DATABASE_URL`, or
 * PGlite under `DICTAMESH_DATA_DIR`).
 * @param environment the variables the database is found from (default `process.env`)
 */
export function migrateCommand(io: CliIo = processIo, environment: Environment = process.env): Command {
  const run = runner(io);
  const migrate = withExamples(
    commandGroup('migrate', 'database migrations: apply the pending ones (status: list applied / pending, exit 1 when pending)', io),
    'dictamesh migrate',
    'DATABASE_URL=postgres://dictamesh:…@db:5432/dictamesh dictamesh migrate status',
  ).action(run(() => migrateApply(io, environment)));
  withExamples(
    migrate.command('status').description('applied and pending migrations; exit status 1 when any is pending'),
    'dictamesh migrate status',
  ).action(run(() => migrateStatus(io, environment)));
  return migrate;
}
