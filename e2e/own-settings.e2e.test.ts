import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// DictaMesh reads itself: the platform operator changes the gateway's settings in the config
// subgraph through the gateway, and the running gateway applies them without a restart (its
// config client re-reads on dictamesh.config.changed; the refresh period is long, so only the
// change event can have brought them in time).
const SECRET = 'test-jwt-secret-own-settings-0123456789abc';
const ENVIRONMENT = 'e2e';
const WAIT = { timeout: 20_000, interval: 50 };
const dataDir = tempDataDir();
let stack: FullStack;

type Answer = {
  status: number;
  data?: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  limit: string | null;
};
/** One operation through the gateway as `user@<org>` with `scope`. */
async function as(org: string, scope: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, org, scope)}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    ...((await response.json()) as Omit<Answer, 'status' | 'limit'>),
    limit: response.headers.get('ratelimit-limit'),
  };
}
const operator = (query: string, variables?: Record<string, unknown>) => as('platform', 'dictamesh:platform', query, variables);
const setGateway = (key: string, value: unknown) =>
  operator(`mutation ($input: SetConfigInput!) { setConfig(input: $input) { key version } }`, {
    input: { scope: { platform: true, environment: ENVIRONMENT, service: 'gateway' }, key, value, reason: 'e2e' },
  });
const DEEP = '{ entity(urn: "dictamesh:crm:account:1") { related { related { urn } } } }'; // depth 4

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    {},
    {
      JWT_SECRET: SECRET,
      AUTH_ANONYMOUS_SCOPES: '',
      ADAPTER_SYNC_INTERVAL_MS: '0',
      RATE_LIMIT: 'on',
      RATE_LIMIT_REQUESTS: '1000',
      DICTAMESH_ENVIRONMENT: ENVIRONMENT,
      DICTAMESH_CONFIG_REFRESH_MS: '3600000',
    },
  );
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a running gateway follows its settings in the config subgraph', () => {
  it('seeds the settings schemas: a value breaking one is refused, nothing written', async () => {
    const refused = await setGateway('rateLimit.requests', 0);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFIG_VALIDATION_FAILED');
    const written = await operator(
      `{ configEntry(scope: { platform: true, environment: "${ENVIRONMENT}", service: "gateway" }, key: "rateLimit.requests") { version } }`,
    );
    expect(written.data).toEqual({ configEntry: null });
    const schema = await operator(
      `{ configEntry(scope: { platform: true }, key: "rateLimit.requests") { jsonSchema hasValue updatedBy } }`,
    );
    expect(schema.data?.configEntry).toEqual({ jsonSchema: { type: 'integer', minimum: 1 }, hasValue: false, updatedBy: 'dictamesh' });
  });

  it('applies a lowered demand-control depth limit without a restart', async () => {
    expect((await as('acme', 'dictamesh:admin', DEEP)).errors).toBeUndefined();
    expect((await setGateway('demandControl.maxDepth', 3)).errors).toBeUndefined();
    await expect
      .poll(async () => (await as('acme', 'dictamesh:admin', DEEP)).errors?.[0]?.extensions, WAIT)
      .toMatchObject({ code: 'MAX_DEPTH_LIMIT', actual: 4, limit: 3 });
  });

  it('applies a changed rate limit without a restart: the (N+1)th request in the window is RATE_LIMITED', async () => {
    const viewer = '{ viewer { subject } }';
    expect((await as('probe', 'dictamesh:admin', viewer)).limit).toBe('1000');
    expect((await setGateway('rateLimit.requests', 3)).errors).toBeUndefined();
    // a client of its own waits for the new budget (a change starts a new window for everyone)
    await expect.poll(async () => (await as('probe', 'dictamesh:admin', viewer)).limit, WAIT).toBe('3');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await as('globex', 'dictamesh:admin', viewer));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3 });

    // the gateway, the adapter runtime and the notifications service are registered config watchers
    const watchers = async () =>
      ((await as('platform', 'dictamesh:platform', '{ configWatchers { name prefix scope { path } } }')).data?.configWatchers ?? [])
        .map((w: { name: string; scope: { path: string } }) => [w.name, w.scope.path])
        .sort();
    await expect.poll(watchers, WAIT).toEqual([
      ['dictamesh-adapters', `platform/${ENVIRONMENT}/adapters`],
      ['dictamesh-gateway', `platform/${ENVIRONMENT}/gateway`],
      ['dictamesh-notifications', `platform/${ENVIRONMENT}/notifications`],
    ]);
  });
});
