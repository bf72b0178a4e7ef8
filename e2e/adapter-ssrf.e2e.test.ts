import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInternalService, type InternalService } from '../test/internal-service';
import { gql, startTestStack, tempDataDir, type FullStack } from './harness/harness';

/**
 * Server-side request forgery through adapters, on the running stack outside development
 * (NODE_ENV=test: the production rule, without production's other start-up requirements): a
 * tenant registers a rest-json adapter whose base URL is an internal service on loopback.
 */
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const dataDir = tempDataDir();
let stack: FullStack;

let internal: InternalService; // 127.0.0.1: not allowed
let allowed: InternalService; // 127.0.0.2: on ADAPTER_ALLOWED_HOSTS

const register = (id: string, baseUrl: string) =>
  gql<{ registerAdapter: { id: string; status: string } }>(
    stack,
    `mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id status } }`,
    {
      input: {
        id,
        kind: 'rest-json',
        config: { baseUrl, source: 'internal', resources: [{ name: 'items', entityType: 'item', path: '/items' }] },
      },
    },
  );
const adapter = async (id: string) =>
  (
    await gql<{ adapter: { status: string; lastError: string | null } | null }>(
      stack,
      `query ($id: ID!) { adapter(id: $id) { status lastError } }`,
      {
        id,
      },
    )
  ).data?.adapter;

beforeAll(async () => {
  internal = await startInternalService('127.0.0.1');
  allowed = await startInternalService('127.0.0.2');
  stack = await startTestStack(
    dataDir,
    {},
    {
      NODE_ENV: 'test',
      DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR,
      ADAPTER_HEALTH_INTERVAL_MS: '60000',
      ADAPTER_SYNC_INTERVAL_MS: '0',
      ADAPTER_ALLOWED_HOSTS: '127.0.0.2',
      AUTH_ANONYMOUS_SCOPES: 'dictamesh:admin',
    },
  );
});
afterAll(async () => {
  await stack?.close();
  await internal?.close();
  await allowed?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('adapters cannot reach internal services (SSRF)', () => {
  it('fails a rest-json adapter whose base URL is 127.0.0.1 or localhost with SOURCE_ADDRESS_FORBIDDEN; no connection reaches the service', async () => {
    for (const [id, baseUrl] of [
      ['ssrf-literal', internal.url],
      ['ssrf-localhost', `http://localhost:${internal.port}`],
    ] as const) {
      const { errors } = await register(id, baseUrl);
      expect(errors).toBeUndefined();
      await expect.poll(async () => (await adapter(id))?.status, { timeout: 15_000 }).toBe('FAILED');
      expect((await adapter(id))?.lastError).toMatch(/refused: it is not a public address/);
    }
    expect(internal.connections).toBe(0);
    expect(internal.requests).toEqual([]);
  });

  it('reaches a non-public source the operator listed in ADAPTER_ALLOWED_HOSTS', async () => {
    expect((await register('allowed-internal', allowed.url)).errors).toBeUndefined();
    await expect.poll(async () => (await adapter('allowed-internal'))?.status, { timeout: 15_000 }).toBe('RUNNING');
    expect(allowed.requests).toContain('/items');
  });
});
