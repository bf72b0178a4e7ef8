// vitest globalSetup: the real Kafka broker the integration tests need.
// With KAFKA_BROKERS set (CI, or your own broker) it is used as is; otherwise a private
// single-node broker is started on 127.0.0.1:19092 with scripts/kafka.sh and stopped after.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

const script = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));
const env = {
  ...process.env,
  KAFKA_PORT: '19092',
  KAFKA_CONTROLLER_PORT: '19093',
  KAFKA_HOME: fileURLToPath(new URL('../.dictamesh/kafka-test', import.meta.url)),
};

export default function setup(project: TestProject) {
  if (process.env.KAFKA_BROKERS) {
    project.provide('kafkaBrokers', process.env.KAFKA_BROKERS);
    return;
  }
  execFileSync('bash', [script, 'up'], { env, stdio: 'inherit' });
  project.provide('kafkaBrokers', '127.0.0.1:19092');
  return () => {
    execFileSync('bash', [script, 'down'], { env, stdio: 'inherit' });
  };
}
