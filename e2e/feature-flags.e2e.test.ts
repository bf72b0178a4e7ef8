import { rmSync } from 'node:fs';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DictaMeshFlagProvider } from '@dictamesh/openfeature-provider';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// Feature flags through the running stack: a tenant writes FLAG entries through the gateway, the
// OpenFeature provider (@dictamesh/openfeature-provider) reads them as that tenant and evaluates
// them locally; a change reaches it through the gateway's configChanged subscription (no
// periodic refetch) without a new provider; another organisation never sees them.
const SECRET = 'test-jwt-secret-feature-flags-0123456789abcd';
const dataDir = tempDataDir();
let stack: FullStack;

type Answer = { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
async function as(org: string, scope: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, org, scope)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

const SET = /* GraphQL */ `
  mutation ($input: SetConfigInput!) {
    setConfig(input: $input) {
      key
      version
    }
  }
`;
const rollout = (percent: number) => ({
  type: 'boolean',
  enabled: true,
  defaultValue: false,
  rules: [{ rollout: percent, groupId: 'Feature.flexibleRollout.10' }],
});
const setFlag = (org: string, key: string, value: unknown) =>
  as(org, 'config:write', SET, { input: { scope: { environment: 'production' }, key, kind: 'FLAG', value } });

async function providerFor(org: string, refreshIntervalMs: number) {
  return new DictaMeshFlagProvider({
    url: stack.urls.gateway,
    headers: { authorization: `Bearer ${await orgToken(SECRET, org, 'config:read')}` },
    environment: 'production',
    webSocketImpl: WebSocket,
    refreshIntervalMs,
  });
}

beforeAll(async () => {
  stack = await startTestStack(dataDir, {}, { JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '', ADAPTER_SYNC_INTERVAL_MS: '0' });
  expect(await setFlag('acme', 'checkout.newFlow', rollout(10))).toEqual({ data: { setConfig: { key: 'checkout.newFlow', version: 1 } } });
  expect((await setFlag('acme', 'ui.theme', { type: 'string', enabled: true, defaultValue: 'light', rules: [] })).errors).toBeUndefined();
});
afterAll(async () => {
  await OpenFeature.close();
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('feature flags through the gateway', () => {
  it('refuses a FLAG value that is not a flag definition, every violation listed', async () => {
    const refused = await setFlag('acme', 'bad.flag', { type: 'boolean', enabled: true, defaultValue: 'no', rules: [] });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFIG_VALIDATION_FAILED',
      violations: [{ pointer: '/defaultValue', keyword: 'type', message: 'must be boolean' }],
    });
  });

  it('evaluates on the server: rollout 10 enables userId 174, not 499', async () => {
    const evaluate = (userId: string) =>
      as(
        'acme',
        'config:read',
        `query ($c: FlagContextInput) { evaluateFlag(key: "checkout.newFlow", context: $c, environment: "production") { value reason flagVersion } }`,
        {
          c: { userId },
        },
      );
    expect(await evaluate('174')).toEqual({ data: { evaluateFlag: { value: true, reason: 'SPLIT', flagVersion: 1 } } });
    expect(await evaluate('499')).toEqual({ data: { evaluateFlag: { value: false, reason: 'DEFAULT', flagVersion: 1 } } });
  });

  it('the OpenFeature provider evaluates locally, defaults on a type mismatch, and follows a change', async () => {
    // no periodic refetch: the change must come through the configChanged subscription
    const provider = await providerFor('acme', 0);
    const changed: string[][] = [];
    provider.events.addHandler(
      ProviderEvents.ConfigurationChanged,
      (details) => void changed.push((details?.flagsChanged as string[] | undefined) ?? []),
    );
    await OpenFeature.setProviderAndWait('acme', provider);
    const client = OpenFeature.getClient('acme');
    expect(await client.getBooleanDetails('checkout.newFlow', false, { targetingKey: '174' })).toMatchObject({
      value: true,
      reason: 'SPLIT',
      flagMetadata: { version: 1, source: 'org:acme/production' },
    });
    expect(await client.getBooleanValue('checkout.newFlow', true, { targetingKey: '499' })).toBe(false);
    expect(await client.getBooleanDetails('ui.theme', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(await client.getStringValue('ui.theme', 'x')).toBe('light');

    changed.length = 0;
    expect((await setFlag('acme', 'checkout.newFlow', rollout(100))).data?.setConfig).toEqual({ key: 'checkout.newFlow', version: 2 });
    for (let i = 0; i < 200 && !changed.some((keys) => keys.includes('checkout.newFlow')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(changed).toContainEqual(['checkout.newFlow']);
    expect(await client.getBooleanDetails('checkout.newFlow', false, { targetingKey: '499' })).toMatchObject({
      value: true,
      flagMetadata: { version: 2 },
    });
  });

  it("another organisation's provider does not see them", async () => {
    await OpenFeature.setProviderAndWait('globex', await providerFor('globex', 250));
    expect(await OpenFeature.getClient('globex').getBooleanDetails('checkout.newFlow', false, { targetingKey: '174' })).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });
});
