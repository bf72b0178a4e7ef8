import { rmSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gatewaySubscriptions, startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// In-app notifications live through the gateway, on the embedded stack: `sendNotification` through
// the gateway stores an IN_APP notification for one subscriber; the delivery worker publishes it on
// `dictamesh.notification.in_app` and the gateway's `notificationReceived` pushes it over graphql-ws
// to that subscriber's connection — the principal of the notification's organisation whose subject
// is the subscriber's external id — and to no one else: not another subject of the organisation,
// not the same subject in another organisation.
const SECRET = 'test-jwt-secret-notifications-in-app-0123456789';
const ENVIRONMENT = 'e2e';
const dataDir = tempDataDir();
let stack: FullStack;
const clients: Client[] = [];

interface Notice {
  id: string;
  type: string;
  priority: string;
  title: string;
  body: string;
  entityUrn: string | null;
  createdAt: string;
}
type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };

/** Runs an operation through the gateway as `subject` of `org` holding `scope`. */
async function as<T>(org: string, subject: string, scope: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, org, scope, subject)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer<T>;
}

/** `notificationReceived` over graphql-ws as `subject` of `org`: what arrived, and the subscription's errors. */
function listen(org: string, subject: string, scope = 'notifications:read') {
  const client = createClient({
    url: stack.urls.gateway.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: async () => ({ authorization: `Bearer ${await orgToken(SECRET, org, scope, subject)}` }),
  });
  clients.push(client);
  const state: { received: Notice[]; errors: string[] } = { received: [], errors: [] };
  client.subscribe<{ notificationReceived: Notice }>(
    { query: 'subscription { notificationReceived { id type priority title body entityUrn createdAt } }' },
    {
      next: (message) => {
        if (message.data) state.received.push(message.data.notificationReceived);
        for (const error of message.errors ?? []) state.errors.push(String(error.extensions?.['code'] ?? error.message));
      },
      error: (error) => void state.errors.push(Array.isArray(error) ? String(error[0]?.extensions?.code) : String(error)),
      complete: () => undefined,
    },
  );
  return state;
}

const SEND = /* GraphQL */ `
  mutation Send($input: SendNotificationInput!) {
    sendNotification(input: $input) {
      replayed
      notifications {
        id
        type
        priority
        title
        body
        entityUrn
        createdAt
      }
    }
  }
`;

/** Sets the notifications service's `channels` setting (platform, this environment) as the platform operator. */
async function setChannels(value: Record<string, { enabled: boolean }>) {
  const answer = await as<{ setConfig: { version: number } }>(
    'platform',
    'ops@platform',
    'dictamesh:platform',
    `mutation ($input: SetConfigInput!) { setConfig(input: $input) { version } }`,
    { input: { scope: { platform: true, environment: ENVIRONMENT, service: 'notifications' }, key: 'channels', value, reason: 'e2e' } },
  );
  expect(answer.errors).toBeUndefined();
}

/** Whether IN_APP is available, as acme's administrator reads it. */
async function inAppAvailable(): Promise<boolean | undefined> {
  const answer = await as<{ notificationChannels: Array<{ channel: string; available: boolean }> }>(
    'acme',
    'ops@acme',
    'dictamesh:admin',
    '{ notificationChannels { channel available } }',
  );
  return answer.data?.notificationChannels.find((c) => c.channel === 'IN_APP')?.available;
}

/** Sends one IN_APP `adapter.unhealthy` notification to subscriber `subject` of `org`, as the organisation's administrator. */
async function send(org: string, subject: string, adapterId: string): Promise<Notice> {
  const answer = await as<{ sendNotification: { replayed: boolean; notifications: Notice[] } }>(
    org,
    `ops@${org}`,
    'dictamesh:admin',
    SEND,
    {
      input: {
        type: 'adapter.unhealthy',
        recipients: [{ subscriberExternalId: subject }],
        channels: ['IN_APP'],
        variables: { adapterId, kind: 'chatwoot', status: 'DOWN', message: 'connection refused', occurredAt: '2026-12-01T10:00:00.000Z' },
        entityUrn: `dictamesh:chatwoot:adapter:${adapterId}`,
      },
    },
  );
  expect(answer.errors).toBeUndefined();
  const { replayed, notifications } = answer.data!.sendNotification;
  expect(replayed).toBe(false);
  expect(notifications).toHaveLength(1);
  return notifications[0]!;
}

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    {},
    {
      JWT_SECRET: SECRET,
      AUTH_ANONYMOUS_SCOPES: '',
      ADAPTER_SYNC_INTERVAL_MS: '0',
      DICTAMESH_ENVIRONMENT: ENVIRONMENT,
      // only the change event can bring a setting in time
      DICTAMESH_CONFIG_REFRESH_MS: '3600000',
    },
  );
}, 180_000);
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  await expect.poll(() => gatewaySubscriptions(stack), { timeout: 10_000 }).toBe(0);
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('in-app notifications through the gateway', () => {
  it("pushes a sent notification to its subscriber's connection over graphql-ws, and to no other subject or organisation", async () => {
    const ann = listen('acme', 'ann');
    const bob = listen('acme', 'bob');
    const annOfGlobex = listen('globex', 'ann');
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 10_000 }).toBe(3);

    const sent = await send('acme', 'ann', 'cw-1');
    expect(sent).toMatchObject({ type: 'adapter.unhealthy', priority: 'HIGH', entityUrn: 'dictamesh:chatwoot:adapter:cw-1' });
    await expect.poll(() => ann.received.length, { timeout: 30_000 }).toBe(1);
    expect(ann.received).toEqual([sent]);

    // the hub pushed ann's notification to every connection it was for before it handled anything
    // later, so once each other connection has its own later notification, anything of ann's would be there too
    const forBob = await send('acme', 'bob', 'cw-2');
    const forAnnOfGlobex = await send('globex', 'ann', 'cw-3');
    await expect.poll(() => [bob.received.length, annOfGlobex.received.length], { timeout: 30_000 }).toEqual([1, 1]);
    expect(bob.received).toEqual([forBob]);
    expect(annOfGlobex.received).toEqual([forAnnOfGlobex]);
    expect(ann.received).toEqual([sent]);
    expect([ann.errors, bob.errors, annOfGlobex.errors]).toEqual([[], [], []]);
  }, 120_000);

  it('refuses a subscriber without a notifications scope with FORBIDDEN', async () => {
    const catalogOnly = listen('acme', 'ann', 'catalog:read');
    await expect.poll(() => catalogOnly.errors, { timeout: 10_000 }).toEqual(['FORBIDDEN']);
    expect(catalogOnly.received).toEqual([]);
  }, 60_000);

  it('follows notifications.channels of the config service live: a channel switched off is refused, then back on', async () => {
    expect(await inAppAvailable()).toBe(true);
    await setChannels({ 'in-app': { enabled: false }, email: { enabled: true } });
    await expect.poll(inAppAvailable, { timeout: 20_000, interval: 50 }).toBe(false);
    const refused = await as('acme', 'ops@acme', 'dictamesh:admin', SEND, {
      input: {
        type: 'adapter.unhealthy',
        recipients: [{ subscriberExternalId: 'ann' }],
        channels: ['IN_APP'],
        variables: { adapterId: 'cw-4', kind: 'chatwoot', status: 'DOWN', occurredAt: '2026-12-01T10:00:00.000Z' },
      },
    });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['NOTIFICATION_CHANNEL_UNAVAILABLE']);
    await setChannels({ 'in-app': { enabled: true } });
    await expect.poll(inAppAvailable, { timeout: 20_000, interval: 50 }).toBe(true);
    const ann = listen('acme', 'ann');
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 10_000 }).toBe(1);
    const sent = await send('acme', 'ann', 'cw-5');
    await expect.poll(() => ann.received, { timeout: 30_000 }).toEqual([sent]);
  }, 120_000);
});
