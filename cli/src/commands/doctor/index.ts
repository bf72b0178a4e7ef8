import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MIGRATIONS_DIR, migrationStatus, type MigrationStatus } from '@dictamesh/db';
import { routingUrlVariable } from '@dictamesh/gateway';
import type { StackEnv } from '../../env';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { databaseLabel, failureOf, stackEnvOf, withDatabase, type Environment } from '../../shell/database';
import type { ExitCode } from '../../shell/failure';
import { processIo, type CliIo } from '../../shell/io';
import { fail, ok, outcomeLine, runChecks, skip, type Check, type Outcome } from './checks';
import { kafkaProbe, keyProbe, readyProbe, redisProbe } from './probes';
import { localReadyzUrl, READY_SERVICES, type ReadyService } from '../../health/readiness';

/** Options of `dictamesh doctor`. */
export interface DoctorOptions {
  /** Bound of each network check, ms. */
  timeout: number;
}

/** Bound of the database check on PGlite, ms: starting the embedded Postgres (WASM) takes seconds. */
const PGLITE_OPEN_MS = 60_000;

/** The services with a `/readyz` and the subgraph each serves (the gateway none). */
const SERVICES = (Object.keys(READY_SERVICES) as ReadyService[]).map((service) => ({
  service,
  subgraph: service === 'gateway' ? undefined : service,
}));

/**
 * Where a service's `/readyz` is: its `<NAME>_SUBGRAPH_URL` (`…/graphql` → `…/readyz`), else
 * `HOST:<port>` when this configuration runs it (`DICTAMESH_SERVICES`); undefined when neither.
 */
export function readinessUrl(env: StackEnv, entry: (typeof SERVICES)[number]): string | undefined {
  const override = entry.subgraph ? env.subgraphUrls[routingUrlVariable(entry.subgraph)] : undefined;
  if (override) return new URL('readyz', override).href;
  if (!env.server.DICTAMESH_SERVICES.has(entry.service)) return undefined;
  return localReadyzUrl(env.server, entry.service);
}

/** The database and migration checks: one opening of the database, read-only (no migration applied). */
function databaseChecks(env: StackEnv, timeoutMs: number): Check[] {
  let opened: Promise<MigrationStatus | Outcome> | undefined;
  const open = () =>
    (opened ??= withDatabase(env, false, (db) => migrationStatus(db.runner, MIGRATIONS_DIR)).catch((error: unknown): Outcome => {
      const failure = failureOf(error, 'DATABASE_ERROR');
      // a running DictaMesh holds the PGlite directory: its own /readyz below reads the tables
      return failure.code === 'DATA_DIR_IN_USE'
        ? skip(`${failure.message.replace(/ \(PGlite serves one process\).*$/, '')}; the services' /readyz check it`)
        : fail(failure.message);
    }));
  const bound = env.database.DATABASE_URL ? timeoutMs : Math.max(timeoutMs, PGLITE_OPEN_MS);
  return [
    {
      name: 'database',
      timeoutMs: bound,
      run: async () => {
        const status = await open();
        return 'status' in status ? status : ok(`${databaseLabel(env)} answers`);
      },
    },
    {
      name: 'migrations',
      timeoutMs: bound,
      run: async () => {
        const status = await open();
        if ('status' in status) return skip('the database was not read');
        if (status.pending.length > 0)
          return fail(`${status.pending.length} pending: ${status.pending.join(', ')} (run dictamesh migrate)`);
        return ok(
          `${status.applied.length} applied, none pending${status.edited.length ? `; edited since applied: ${status.edited.join(', ')}` : ''}`,
        );
      },
    },
  ];
}

/** Every check of a valid configuration, in output order. */
export function doctorChecks(env: StackEnv, timeoutMs: number): Check[] {
  const dataDir = env.database.DICTAMESH_DATA_DIR;
  const production = env.server.NODE_ENV === 'production';
  const { KAFKA_BROKERS: brokers } = env.kafka;
  const redisUrl = env.gateway.REDIS_URL;
  const auth = env.auth;
  return [
    ...databaseChecks(env, timeoutMs),
    {
      name: 'kafka',
      timeoutMs,
      run: async () =>
        brokers ? kafkaProbe(brokers, `${env.kafka.KAFKA_CLIENT_ID}-doctor`, timeoutMs) : skip('KAFKA_BROKERS unset: the in-process bus'),
    },
    {
      name: 'redis',
      timeoutMs,
      run: async () => (redisUrl ? redisProbe(redisUrl, timeoutMs) : skip('REDIS_URL unset: rate limits and APQ in process memory')),
    },
    ...SERVICES.map((entry): Check => ({
      name: entry.service,
      timeoutMs,
      run: async () => {
        const url = readinessUrl(env, entry);
        if (!url) return skip(`not in DICTAMESH_SERVICES and no ${entry.subgraph ? routingUrlVariable(entry.subgraph) : 'URL'}`);
        if (url.endsWith(':0/readyz')) return skip(`its port is 0 (chosen at start)`);
        return readyProbe(url, timeoutMs);
      },
    })),
    {
      name: 'subgraph token key',
      timeoutMs,
      run: async () =>
        keyProbe({
          variable: 'SUBGRAPH_TOKEN_KEY',
          set: auth.SUBGRAPH_TOKEN_KEY !== undefined,
          file: join(dataDir, 'subgraph-token.key'),
          required: production,
        }),
    },
    {
      name: 'master key',
      timeoutMs,
      run: async () =>
        keyProbe({
          variable: 'DICTAMESH_MASTER_KEY',
          set: Boolean(env.secrets.DICTAMESH_MASTER_KEY?.trim()),
          file: join(dataDir, 'master.key'),
          required: production,
        }),
    },
    {
      name: 'jwt',
      timeoutMs,
      run: async () => {
        if (auth.JWT_SECRET)
          return ok(`JWT_SECRET set (issuer ${auth.JWT_ISSUER ?? 'any'}, audience ${auth.JWT_AUDIENCE?.join(',') ?? 'any'})`);
        if (auth.JWT_JWKS_URL) return readyJwks(auth.JWT_JWKS_URL, timeoutMs);
        return skip(`no JWT_SECRET or JWT_JWKS_URL: callers authenticate with API keys${production ? '' : ' (or run anonymous)'}`);
      },
    },
  ];
}

/** Fetches the JWKS and counts its keys. */
async function readyJwks(url: string, timeoutMs: number): Promise<Outcome> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) return fail(`JWT_JWKS_URL ${url} answered HTTP ${response.status}`);
  const keys = ((await response.json()) as { keys?: unknown[] }).keys;
  return Array.isArray(keys) && keys.length > 0 ? ok(`JWT_JWKS_URL ${url}: ${keys.length} keys`) : fail(`JWT_JWKS_URL ${url} has no keys`);
}

/**
 * `dictamesh doctor`: checks the configuration, the database and its migrations, Kafka, Redis,
 * every service's `/readyz`, and the keys, one line each: `ok|FAIL|skip <check>: <detail>`.
 * A configuration that does not parse is one FAIL line and nothing else is checked.
 * @returns 1 when any check FAILs, else 0
 */
export async function doctor(options: DoctorOptions, io: CliIo, environment: Environment): Promise<ExitCode> {
  let env: StackEnv;
  try {
    env = stackEnvOf(environment);
  } catch (error) {
    const failure = failureOf(error, 'CONFIGURATION_INVALID');
    const problems = (failure.details.problems as string[] | undefined) ?? [failure.message];
    io.out(`${outcomeLine('environment', fail(problems.join('; ')))}\n`);
    return 1;
  }
  io.out(`${outcomeLine('environment', ok(`the environment parses (NODE_ENV=${env.server.NODE_ENV})`))}\n`);
  const checks = doctorChecks(env, options.timeout);
  const outcomes = await runChecks(checks);
  checks.forEach((check, i) => io.out(`${outcomeLine(check.name, outcomes[i]!)}\n`));
  return outcomes.some((o) => o.status === 'FAIL') ? 1 : 0;
}

/** A positive number of milliseconds. */
function milliseconds(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('not a positive number of milliseconds');
  return Number(text);
}

/**
 * `dictamesh doctor`: one line per check, exit status 1 on any FAIL.
 * @param environment the configuration checked (default `process.env`)
 */
export function doctorCommand(io: CliIo = processIo, environment: Environment = process.env): Command {
  const run = runner(io);
  return withExamples(
    commandGroup(
      'doctor',
      'check the configuration, database, migrations, Kafka, Redis, every service and the keys: one line each',
      io,
    ).option('--timeout <ms>', 'bound of each network check, ms (opening PGlite may take up to 60 s)', milliseconds, 5_000),
    'dictamesh doctor',
    'KAFKA_BROKERS=kafka:9092 REDIS_URL=redis://redis:6379 dictamesh doctor --timeout 2000',
  ).action(run((options: DoctorOptions) => doctor(options, io, environment)));
}
