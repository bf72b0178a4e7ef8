// vitest globalSetup: the real servers the integration tests need.
// - Kafka: with KAFKA_BROKERS set (CI, or your own broker) it is used as is; otherwise a private
//   single-node broker is started on 127.0.0.1:19092 with scripts/kafka.sh and stopped after.
// - PostgreSQL (postgres-table adapter): with POSTGRES_TEST_URL set (a superuser on a server with
//   wal_level=logical) it is used as is; otherwise Debian's PostgreSQL is started on
//   127.0.0.1:55432 with scripts/postgres.sh and stopped after.
// - Redis (gateway rate limits shared by instances): REDIS_TEST_URL, or scripts/redis.sh on 127.0.0.1:56379.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    postgresUrl: string;
    redisUrl: string;
  }
}

const script = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));
const postgresScript = fileURLToPath(new URL('../scripts/postgres.sh', import.meta.url));
const redisScript = fileURLToPath(new URL('../scripts/redis.sh', import.meta.url));
const env = {
  ...process.env,
  KAFKA_PORT: '19092',
  KAFKA_CONTROLLER_PORT: '19093',
  KAFKA_HOME: fileURLToPath(new URL('../.dictamesh/kafka-test', import.meta.url)),
};

export default function setup(project: TestProject) {
  const teardown: Array<() => void> = [];
  if (process.env.POSTGRES_TEST_URL) project.provide('postgresUrl', process.env.POSTGRES_TEST_URL);
  else {
    const url = execFileSync('bash', [postgresScript, 'up'], { encoding: 'utf8' }).match(/postgres:\/\/\S+/)![0];
    project.provide('postgresUrl', url);
    teardown.push(() => execFileSync('bash', [postgresScript, 'down'], { stdio: 'inherit' }));
  }
  if (process.env.REDIS_TEST_URL) project.provide('redisUrl', process.env.REDIS_TEST_URL);
  else {
    project.provide('redisUrl', execFileSync('bash', [redisScript, 'up'], { encoding: 'utf8' }).match(/redis:\/\/\S+/)![0]);
    teardown.push(() => execFileSync('bash', [redisScript, 'down'], { stdio: 'inherit' }));
  }
  if (process.env.KAFKA_BROKERS) project.provide('kafkaBrokers', process.env.KAFKA_BROKERS);
  else {
    execFileSync('bash', [script, 'up'], { env, stdio: 'inherit' });
    project.provide('kafkaBrokers', '127.0.0.1:19092');
    teardown.push(() => execFileSync('bash', [script, 'down'], { env, stdio: 'inherit' }));
  }
  return () => teardown.forEach((stop) => stop());
}
