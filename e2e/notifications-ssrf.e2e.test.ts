import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../subgraphs/notifications/src/test/webhook-receiver';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

/**
 * Server-side request forgery through notification endpoints, on the running stack outside
 * development (NODE_ENV=test: the production rule without production's other start-up
 * requirements): a tenant points WEBHOOK, SLACK and PAGERDUTY endpoints at loopback, private and
 * cloud-metadata addresses. Each is refused with a coded error, nothing is written, and no
 * connection reaches the loopback receiver.
 */
const dataDir = tempDataDir();
let stack: FullStack;
let receiver: WebhookReceiver;

const SECRET = 'test-jwt-secret-notifications-ssrf-0123456789';

/** createNotificationEndpoint as acme's administrator. */
async function create(input: Record<string, unknown>) {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, 'acme', 'dictamesh:admin')}` },
    body: JSON.stringify({
      query: `mutation ($input: NotificationEndpointInput!) { createNotificationEndpoint(input: $input) { secret endpoint { id } } }`,
      variables: { input },
    }),
  });
  return (await response.json()) as {
    data?: { createNotificationEndpoint: unknown } | null;
    errors?: Array<{ extensions?: { code?: string; problems?: string[] } }>;
  };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startTestStack(
    dataDir,
    {},
    { NODE_ENV: 'test', JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '', ADAPTER_SYNC_INTERVAL_MS: '0' },
  );
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('notification endpoints cannot reach internal services (SSRF)', () => {
  it('refuses endpoint URLs on loopback, private, link-local and other non-public addresses', async () => {
    const port = new URL(receiver.url).port;
    const refused: Array<[string, Record<string, unknown>]> = [
      ['loopback', { channel: 'WEBHOOK', name: 'loopback', url: receiver.url }],
      ['loopback https', { channel: 'WEBHOOK', name: 'loopback-https', url: `https://127.0.0.1:${port}/hook` }],
      ['a name resolving to loopback', { channel: 'WEBHOOK', name: 'localhost', url: `https://localhost:${port}/hook` }],
      ['IPv6 loopback', { channel: 'WEBHOOK', name: 'v6', url: `https://[::1]:${port}/hook` }],
      ['IPv4-mapped IPv6', { channel: 'WEBHOOK', name: 'mapped', url: `https://[::ffff:127.0.0.1]:${port}/hook` }],
      ['private', { channel: 'WEBHOOK', name: 'private', url: 'https://10.1.2.3/hook' }],
      ['cloud metadata', { channel: 'WEBHOOK', name: 'metadata', url: 'https://169.254.169.254/latest/meta-data/' }],
      ['CGNAT', { channel: 'WEBHOOK', name: 'cgnat', url: 'https://100.64.0.1/hook' }],
      ['unspecified', { channel: 'WEBHOOK', name: 'zero', url: `https://0.0.0.0:${port}/hook` }],
      ['slack on loopback', { channel: 'SLACK', name: 'slack', url: `https://127.0.0.1:${port}/services/T000/B000/XXXX` }],
      [
        'pagerduty on private',
        { channel: 'PAGERDUTY', name: 'pd', url: 'https://192.168.1.10/v2/enqueue', routingKey: 'R0123456789ABCDEF0123456789ABCDEF' },
      ],
    ];
    for (const [what, input] of refused) {
      const answer = await create(input);
      expect({ what, code: answer.errors?.[0]?.extensions?.code }).toEqual({ what, code: 'NOTIFICATION_ENDPOINT_FORBIDDEN' });
      expect(answer.data?.createNotificationEndpoint ?? null).toBeNull();
    }
    // plain http is refused outside development, before any lookup; what a name resolved to is never told
    const plain = await create({ channel: 'WEBHOOK', name: 'plain', url: 'http://93.184.216.34/hook' });
    expect(plain.errors?.[0]?.extensions).toMatchObject({
      code: 'NOTIFICATION_ENDPOINT_FORBIDDEN',
      problems: ['the scheme must be https'],
    });
    const named = await create({ channel: 'WEBHOOK', name: 'named', url: `https://localhost:${port}/hook` });
    expect(named.errors?.[0]?.extensions?.problems).toEqual(['"localhost" is not a public address']);
    expect(await stack.db.prisma.notificationEndpoint.count()).toBe(0);
    expect(await stack.db.prisma.notificationEndpointSecret.count()).toBe(0);
    expect(receiver.received()).toEqual([]);
  });
});
