import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));

/**
 * A private single-node Kafka broker for tests that stop and restart brokers or must not
 * share topics and consumer groups with other test files (scripts/kafka.sh, own ports and
 * data directory under `.dictamesh/`).
 */
export function privateBroker(name: string, port: number) {
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    KAFKA_HOME: fileURLToPath(new URL(`../.dictamesh/kafka-${name}`, import.meta.url)),
  };
  const call = async (command: 'up' | 'down' | 'stop' | 'start') => {
    await run('bash', [script, command], { env, timeout: 180_000 });
  };
  return {
    brokers: `127.0.0.1:${port}`,
    up: () => call('up'),
    down: () => call('down'),
    /** Stops the broker, keeping its data. */
    stop: () => call('stop'),
    /** Starts it again on its data. */
    start: () => call('start'),
  };
}
