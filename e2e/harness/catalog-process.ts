import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const logDir = join(root, '.dictamesh', 'test-logs');

/** A catalog running in a child process, and the base URL it listens on (`http://127.0.0.1:<port>`). */
export interface CatalogProcess {
  child: ChildProcess;
  url: string;
}

/**
 * Runs `dictamesh start` with only the catalog service (DICTAMESH_SERVICES=catalog) in a
 * child process, as a deployment scales the catalog out, on a free port. Resolves once it
 * listens, with the URL its start banner names.
 */
export function startCatalogProcess(env: { DATABASE_URL: string; KAFKA_BROKERS: string }): Promise<CatalogProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/src/index.ts', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      DICTAMESH_SERVICES: 'catalog',
      DATABASE_URL: env.DATABASE_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      KAFKA_TOPIC_PARTITIONS: '6',
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      CATALOG_PORT: '0',
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
      const listening = /catalog subgraph\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (listening) resolve({ child, url: listening[1]! });
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
