import { rmSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gatewaySubscriptions, startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// The whole stack (config service wired by the CLI, JWT callers): configuration written with
// setConfig through the gateway, followed with configChanged over graphql-ws.
const SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const dataDir = tempDataDir();
let stack: FullStack;
const clients: Client[] = [];
const token = (org: string) => orgToken(SECRET, org, 'config:read config:write');

beforeAll(async () => {
  stack = await startTestStack(dataDir, {}, { JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '' });
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function gql<T>(org: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(org)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const SET = `mutation ($key: String!, $value: JSON) { setConfig(input: { scope: {}, key: $key, value: $value }) { revision } }`;
const set = async (org: string, key: string, value: unknown) =>
  (await gql<{ setConfig: { revision: string } }>(org, SET, { key, value })).setConfig.revision;
const current = async (org: string) =>
  (await gql<{ configChanges: { revision: string } }>(org, `{ configChanges { revision } }`)).configChanges.revision;

interface Change {
  revision: string;
  type: string;
  key: string;
  value: unknown;
}
async function subscribe(org: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: stack.urls.gateway.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${await token(org)}` },
  });
  clients.push(client);
  const received: Change[] = [];
  const stop = client.subscribe(
    {
      query: `subscription ($prefix: String, $after: ID) { configChanged(prefix: $prefix, afterRevision: $after) { revision type key value } }`,
      variables,
    },
    { next: (m) => void received.push((m.data as { configChanged: Change }).configChanged), error: () => {}, complete: () => {} },
  );
  return { received, stop };
}

describe('configChanged on the full stack', () => {
  it('resumes a disconnected subscriber with exactly the three changes it missed, and keeps organisations apart', async () => {
    const start = await current('acme');
    const acme = await subscribe('acme', { prefix: 'app.', after: start });
    const globex = await subscribe('globex', { prefix: 'app.', after: start });
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 10_000 }).toBe(2);
    const r1 = await set('acme', 'app.mode', 'one');
    await expect.poll(() => acme.received.map((c) => c.revision), { timeout: 10_000 }).toEqual([r1]);
    acme.stop();
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 10_000 }).toBe(1);

    const missed = [await set('acme', 'app.mode', 'two'), await set('acme', 'app.limit', 3), await set('acme', 'app.mode', 'four')];
    const g = await set('globex', 'app.mode', 'globex');
    const resumed = await subscribe('acme', { prefix: 'app.', after: r1 });
    await expect.poll(() => resumed.received.length, { timeout: 10_000 }).toBe(3);
    expect(resumed.received).toEqual([
      { revision: missed[0], type: 'SET', key: 'app.mode', value: 'two' },
      { revision: missed[1], type: 'SET', key: 'app.limit', value: 3 },
      { revision: missed[2], type: 'SET', key: 'app.mode', value: 'four' },
    ]);
    await expect.poll(() => globex.received.map((c) => c.revision), { timeout: 10_000 }).toEqual([g]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything that must not arrive has had its chance
    expect(resumed.received).toHaveLength(3);
    expect(globex.received.map((c) => c.value)).toEqual(['globex']);
  });
});
