import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@dictamesh/db';
import { parseStackEnv } from '@dictamesh/cli/env';
import { startStack, type Stack } from '@dictamesh/cli';

/** A whole DictaMesh on loopback with a fresh embedded data directory, for benchmarks. */
export interface BenchStack {
  stack: Stack;
  db: Database;
  gateway: string;
  /** The Chatwoot webhook URL of account 12. */
  webhook: string;
  close(): Promise<void>;
}

/** Starts every service on free ports; `env` adds variables (KAFKA_BROKERS, BUS_PARTITIONS…). */
export async function startBenchStack(env: Record<string, string> = {}): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dictamesh-bench-'));
  const stack = await startStack(
    parseStackEnv({
      HOST: '127.0.0.1',
      GATEWAY_PORT: '0',
      CATALOG_PORT: '0',
      WEBHOOK_PORT: '0',
      ADAPTERS_PORT: '0',
      BILLING_PORT: '0',
      CONFIG_PORT: '0',
      NOTIFICATIONS_PORT: '0',
      LOG_LEVEL: 'warn',
      DICTAMESH_DATA_DIR: dataDir,
      ...env,
    }),
  );
  if (!stack.db || !stack.urls.gateway || !stack.urls.webhooks) throw new Error('the stack did not start every service');
  return {
    stack,
    db: stack.db,
    gateway: stack.urls.gateway,
    webhook: `${stack.urls.webhooks}/chatwoot/accounts/12`,
    async close() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs one webhook body; resolves to the HTTP status and the accepted event count. */
export async function postWebhook(url: string, body: string): Promise<{ status: number; accepted: number }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await response.json()) as { accepted?: number };
  return { status: response.status, accepted: answer.accepted ?? 0 };
}

/**
 * POSTs every body with `concurrency` requests in flight (loopback, bounded by the bodies).
 * @returns accepted events, rejected deliveries, and the wall time in ms
 */
export async function postAll(
  url: string,
  bodies: readonly string[],
  concurrency: number,
): Promise<{ events: number; rejected: number; ms: number }> {
  let events = 0;
  let rejected = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const { status, accepted } = await postWebhook(url, bodies[next++]!);
        if (status === 202) events += accepted;
        else rejected += 1;
      }
    }),
  );
  return { events, rejected, ms: performance.now() - t0 };
}
