import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const logDir = join(root, '.dictamesh', 'test-logs');

/**
 * Runs `dictamesh start` with only the catalog service (DICTAMESH_SERVICES=catalog) in a
 * child process, as a deployment scales the catalog out. Resolves once it listens.
 */
export function startCatalogProcess(env: { DATABASE_URL: string; KAFKA_BROKERS: string; CATALOG_PORT: number }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/src/index.ts', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      DICTAMESH_SERVICES: 'catalog',
      DATABASE_URL: env.DATABASE_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      KAFKA_TOPIC_PARTITIONS: '6',
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      CATALOG_PORT: String(env.CATALOG_PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.CATALOG_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `catalog-${child.pid}.log`);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      appendFileSync(logFile, chunk);
      if (output.includes('DictaMesh is running')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      appendFileSync(logFile, `\n[exit ${code ?? signal}]\n`);
      reject(new Error(`catalog process exited with ${code ?? signal} (log: ${logFile}):\n${output.slice(-2000)}`));
    });
  });
}

/** SIGKILLs a child (no cleanup, like a crash) and waits for it to be gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already gone
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
