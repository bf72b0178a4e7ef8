import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const logDir = join(root, '.dictamesh', 'test-logs');

/** `dictamesh start` running in a child process, and the URLs it printed. */
export interface EmbeddedProcess {
  child: ChildProcess;
  /** The gateway's GraphQL endpoint (`…/graphql`). */
  gateway: string;
  /** The webhook base URL (`…/webhooks`). */
  webhooks: string;
  /** Everything it wrote so far (stdout and stderr, the last 20 000 characters). */
  output(): string;
}

/**
 * Runs `dictamesh start` on the embedded default (PGlite under `dataDir`, in-process bus, every
 * service on free loopback ports) in a child process, so a test can kill it like a crash.
 * Resolves once it printed its URLs; rejects when it exits before. The variables of the test
 * run that would pick another default (Kafka, Postgres) are removed.
 * @param command the node arguments; default: the TypeScript sources through tsx
 */
export function startEmbeddedProcess(
  dataDir: string,
  env: Record<string, string> = {},
  command: readonly string[] = ['--import', 'tsx', 'cli/src/index.ts', 'start'],
): Promise<EmbeddedProcess> {
  const inherited = { ...process.env };
  for (const name of ['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'DICTAMESH_SERVICES']) delete inherited[name];
  const child = spawn(process.execPath, command, {
    cwd: root,
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      GATEWAY_PORT: '0',
      CATALOG_PORT: '0',
      WEBHOOK_PORT: '0',
      ADAPTERS_PORT: '0',
      BILLING_PORT: '0',
      CONFIG_PORT: '0',
      NOTIFICATIONS_PORT: '0',
      DICTAMESH_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `embedded-${child.pid}.log`);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      appendFileSync(logFile, chunk);
      const gateway = /GraphQL gateway\s+(http:\/\/\S+\/graphql)/.exec(output)?.[1];
      const webhooks = /(http:\/\/[^\s/]+\/webhooks)\//.exec(output)?.[1];
      if (output.includes('DictaMesh is running') && gateway && webhooks) resolve({ child, gateway, webhooks, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      appendFileSync(logFile, `\n[exit ${code ?? signal}]\n`);
      reject(new Error(`dictamesh exited with ${code ?? signal} (log: ${logFile}):\n${output.slice(-2000)}`));
    });
  });
}
