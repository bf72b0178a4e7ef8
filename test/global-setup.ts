// vitest globalSetup of the `integration` and `e2e` projects (vitest.config.ts): the real servers
// their tests need, and only those (the `unit` project has no global setup and needs no server).
// - Kafka: with KAFKA_BROKERS set (CI, or your own broker) it is used as is; otherwise a private
//   single-node broker is started on 127.0.0.1:19092 with scripts/kafka.sh and stopped after.
// - PostgreSQL (postgres-table adapter, outbox): with POSTGRES_TEST_URL set (a superuser on a
//   server with wal_level=logical) it is used as is; otherwise Debian's PostgreSQL is started on
//   127.0.0.1:55432 with scripts/postgres.sh and stopped after.
// - Redis (gateway rate limits shared by instances): REDIS_TEST_URL, or scripts/redis.sh on 127.0.0.1:56379.
// - stripe-mock (billing's Stripe payment provider; Stripe's API mock, nothing reaches Stripe):
//   STRIPE_MOCK_URL, or scripts/stripe-mock.sh on 127.0.0.1:12111 (installed with `go install` on first use).
// Both projects need Kafka and PostgreSQL; vitest runs the global setup of each project in the
// same process (one module instance per project), so the servers are kept in a process-wide
// registry: started once by the first project that asks, stopped after the last one is done.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    postgresUrl: string;
    redisUrl: string;
    stripeMockUrl: string;
  }
}

/** A server a test project may need, by the name its address is provided under. */
type Server = 'kafkaBrokers' | 'postgresUrl' | 'redisUrl' | 'stripeMockUrl';

/** Servers each project's tests reach (`inject(...)`); a project not listed needs none. */
const needs: Record<string, readonly Server[]> = {
  integration: ['kafkaBrokers', 'postgresUrl', 'redisUrl', 'stripeMockUrl'],
  e2e: ['kafkaBrokers', 'postgresUrl', 'redisUrl', 'stripeMockUrl'],
};

const kafkaScript = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));
const postgresScript = fileURLToPath(new URL('../scripts/postgres.sh', import.meta.url));
const redisScript = fileURLToPath(new URL('../scripts/redis.sh', import.meta.url));
const stripeMockScript = fileURLToPath(new URL('../scripts/stripe-mock.sh', import.meta.url));
const stripeMockEnv = { ...process.env, STRIPE_MOCK_PORT: '12111' };
const kafkaEnv = {
  ...process.env,
  KAFKA_PORT: '19092',
  KAFKA_CONTROLLER_PORT: '19093',
  KAFKA_HOME: fileURLToPath(new URL('../.dictamesh/kafka-test', import.meta.url)),
};

/**
 * Runs `script up` and returns the address it prints; the server is stopped after the tests only
 * if this run started it: one already running (a developer's, on the same default port) is left
 * alone.
 */
function startedByScript(script: string, address: RegExp): { address: string; stop?: () => void } {
  const output = execFileSync('bash', [script, 'up'], { encoding: 'utf8' });
  const found = output.match(address)![0];
  if (/already running/.test(output)) return { address: found };
  return { address: found, stop: () => execFileSync('bash', [script, 'down'], { stdio: 'inherit' }) };
}

/** Uses the server named by the environment, or starts one and says how to stop it. */
function start(server: Server): { address: string; stop?: () => void } {
  switch (server) {
    case 'kafkaBrokers':
      if (process.env.KAFKA_BROKERS) return { address: process.env.KAFKA_BROKERS };
      execFileSync('bash', [kafkaScript, 'up'], { env: kafkaEnv, stdio: 'inherit' });
      return {
        address: '127.0.0.1:19092',
        stop: () => execFileSync('bash', [kafkaScript, 'down'], { env: kafkaEnv, stdio: 'inherit' }),
      };
    case 'postgresUrl':
      if (process.env.POSTGRES_TEST_URL) return { address: process.env.POSTGRES_TEST_URL };
      return startedByScript(postgresScript, /postgres:\/\/\S+/);
    case 'redisUrl':
      if (process.env.REDIS_TEST_URL) return { address: process.env.REDIS_TEST_URL };
      return startedByScript(redisScript, /redis:\/\/\S+/);
    case 'stripeMockUrl':
      if (process.env.STRIPE_MOCK_URL) return { address: process.env.STRIPE_MOCK_URL };
      return {
        address: execFileSync('bash', [stripeMockScript, 'up'], { env: stripeMockEnv, encoding: 'utf8' }).match(/http:\/\/\S+/)![0],
        stop: () => execFileSync('bash', [stripeMockScript, 'down'], { env: stripeMockEnv, stdio: 'inherit' }),
      };
  }
}

interface Running {
  address: string;
  stop?: () => void;
  users: number;
}
const registryKey = Symbol.for('dictamesh.test.servers');
const registry: Map<Server, Running> = ((globalThis as Record<symbol, unknown>)[registryKey] ??= new Map()) as Map<Server, Running>;

export default function setup(project: TestProject) {
  const used = needs[project.name] ?? [];
  for (const server of used) {
    let running = registry.get(server);
    if (!running) registry.set(server, (running = { ...start(server), users: 0 }));
    running.users += 1;
    project.provide(server, running.address);
  }
  return () => {
    for (const server of [...used].reverse()) {
      const running = registry.get(server);
      if (!running || --running.users > 0) continue;
      registry.delete(server);
      running.stop?.();
    }
  };
}
