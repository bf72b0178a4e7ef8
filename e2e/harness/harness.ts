import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStackEnv } from '@dictamesh/cli/env';
import type { Database } from '@dictamesh/db';
import { startStack, type Stack, type StackHooks } from '@dictamesh/cli';

/** A stack running every service. */
export type FullStack = Stack & { db: Database; urls: Required<Stack['urls']> };

/** `fixtures/chatwoot/webhooks` of the repository. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/chatwoot/webhooks', import.meta.url));

/** A fresh data directory for the embedded default. */
export const tempDataDir = () => mkdtempSync(join(tmpdir(), 'dictamesh-e2e-'));

/** Starts the whole stack on free loopback ports with its PGlite files in `dataDir`. */
export async function startTestStack(dataDir: string, hooks: StackHooks = {}, extraEnv: Record<string, string> = {}): Promise<FullStack> {
  const env = parseStackEnv({
    HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    CATALOG_PORT: '0',
    WEBHOOK_PORT: '0',
    ADAPTERS_PORT: '0',
    BILLING_PORT: '0',
    CONFIG_PORT: '0',
    NOTIFICATIONS_PORT: '0',
    LOG_LEVEL: 'silent',
    DICTAMESH_DATA_DIR: dataDir,
    ...extraEnv,
  });
  const stack = await startStack(env, hooks);
  if (!stack.db || !stack.urls.gateway || !stack.urls.catalog || !stack.urls.adapters || !stack.urls.webhooks)
    throw new Error('a service did not start');
  return stack as FullStack;
}

/** POSTs a body to the Chatwoot webhook route of account 12. */
export async function postWebhook(stack: FullStack, body: string | Buffer, contentType = 'application/json') {
  const response = await fetch(`${stack.urls.webhooks}/chatwoot/accounts/12`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** POSTs every fixture webhook, in name order; returns the HTTP statuses. */
export async function postAllFixtures(stack: FullStack): Promise<number[]> {
  const statuses: number[] = [];
  for (const file of readdirSync(FIXTURES).sort()) statuses.push((await postWebhook(stack, readFileSync(join(FIXTURES, file)))).status);
  return statuses;
}

/**
 * The subscriptions open on the gateway (`dictamesh_gateway_subscriptions` of its `/metrics`):
 * what a test waits for before it makes the changes a subscriber must see.
 */
export async function gatewaySubscriptions(stack: FullStack): Promise<number> {
  const text = await (await fetch(new URL('/metrics', stack.urls.gateway))).text();
  return Number(/^dictamesh_gateway_subscriptions (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** Sends a GraphQL operation to the gateway, as a frontend would. */
export async function gql<T = Record<string, unknown>>(stack: FullStack, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    ...((await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }),
  };
}
