import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { InProcessEventBus, toDictaMeshEvent, TOPICS, type NotificationInApp } from '@dictamesh/events';
import { createLogger, DictaMeshError, type Principal } from '@dictamesh/runtime';
import { createGatewayService, type GatewayService } from '../service';
import { composeSupergraph } from '../supergraph';

// A gateway over the catalog and notifications SDLs on the in-process bus: `notificationReceived`
// over graphql-ws and graphql-sse, fed by `dictamesh.notification.in_app` events published on the
// bus as the notifications service's IN_APP provider does. Nothing listens at the subgraphs' URLs:
// the subscription never asks them.
const schemaFile = (name: string) => fileURLToPath(new URL(`../../../schemas/subgraphs/${name}.graphql`, import.meta.url));
const principals: Record<string, Principal> = {
  ann: { subject: 'ann', org: 'acme', scopes: ['notifications:read'], method: 'jwt' },
  bob: { subject: 'bob', org: 'acme', scopes: ['notifications:write'], method: 'jwt' },
  annGlobex: { subject: 'ann', org: 'globex', scopes: ['dictamesh:admin'], method: 'api-key' },
  catalogOnly: { subject: 'cat', org: 'acme', scopes: ['catalog:read'], method: 'jwt' },
  noOrg: { subject: 'anonymous', org: null, scopes: ['dictamesh:admin'], method: 'anonymous' },
};
const QUERY = 'subscription { notificationReceived { id type priority title body entityUrn createdAt } }';

const uuid = (label: string) => {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
const inApp = (label: string, org: string, subject: string): NotificationInApp => ({
  org,
  notificationId: uuid(label),
  subscriberId: uuid(`${org}/${subject}`),
  subscriberExternalId: subject,
  typeKey: 'adapter.unhealthy',
  priority: 'HIGH',
  title: label,
  body: `body of ${label}`,
  entityUrn: null,
  createdAt: '2026-12-01T10:00:00.000Z',
});

let bus: InProcessEventBus;
let gateway: GatewayService;
let port: number;
const clients: (Client | SseClient)[] = [];

/** Publishes in one partition, in order (so a later notification arriving means the earlier ones were dispatched). */
const publish = (...events: NotificationInApp[]) =>
  bus.publish(
    TOPICS.notificationInApp,
    events.map((e) => ({
      key: 'all',
      event: toDictaMeshEvent(TOPICS.notificationInApp, e, {
        source: 'dictamesh:notifications',
        id: `in-app-${e.notificationId}`,
        org: e.org,
      }),
    })),
  );

interface Received {
  titles: string[];
  notices: Record<string, unknown>[];
  errors?: { message: string; extensions?: { code?: string } }[];
  done: boolean;
}

/** One subscription over graphql-ws as `who`. */
function overWebSocket(who: string): Received {
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { 'x-test-principal': who },
  });
  clients.push(client);
  return follow((sink) => client.subscribe({ query: QUERY }, sink));
}

/** One subscription over graphql-sse as `who`. */
function overSse(who: string): Received {
  const client = createSseClient({
    url: `http://127.0.0.1:${port}/graphql/stream`,
    retryAttempts: 0,
    headers: { 'x-test-principal': who },
  });
  clients.push(client);
  return follow((sink) => client.subscribe({ query: QUERY }, sink));
}

function follow(
  start: (sink: { next: (m: { data?: unknown; errors?: unknown }) => void; error: (e: unknown) => void; complete: () => void }) => unknown,
): Received {
  const received: Received = { titles: [], notices: [], done: false };
  start({
    next: (message) => {
      if (message.errors) received.errors = message.errors as Received['errors'];
      const notice = (message.data as { notificationReceived?: Record<string, unknown> } | undefined)?.notificationReceived;
      if (notice) {
        received.notices.push(notice);
        received.titles.push(String(notice['title']));
      }
    },
    error: (error) => {
      received.errors = Array.isArray(error) ? error : [{ message: String(error) }];
      received.done = true;
    },
    complete: () => void (received.done = true),
  });
  return received;
}

/** Waits (bounded) until the gateway counts `count` open subscriptions. */
async function subscriptionsOpen(count: number) {
  await expect
    .poll(
      async () =>
        Number(/^dictamesh_gateway_subscriptions (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1]),
      { timeout: 10_000 },
    )
    .toBe(count);
}

beforeAll(async () => {
  bus = new InProcessEventBus({ partitions: 1 });
  const subgraphs = [
    { name: 'catalog', url: 'http://127.0.0.1:9/graphql', sdlPath: schemaFile('catalog') },
    { name: 'notifications', url: 'http://127.0.0.1:9/graphql', sdlPath: schemaFile('notifications') },
  ];
  gateway = await createGatewayService({
    supergraphSdl: composeSupergraph(subgraphs),
    subgraphs,
    logger: createLogger('test', 'silent'),
    introspection: false,
    subscriptions: { bus, appliedByGroup: 'catalog', groupId: 'gateway-notifications-test' },
    auth: {
      authenticate: async (headers) => {
        const principal = principals[String(headers['x-test-principal'])];
        if (!principal) throw new DictaMeshError('UNAUTHENTICATED');
        return principal;
      },
    },
  });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  port = (gateway.app.server.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await gateway?.close();
  await bus?.close();
});

describe('notificationReceived through the gateway', () => {
  it("pushes each notification to its subscriber's connections only (graphql-ws and SSE), never to another subject or organisation", async () => {
    const ann = overWebSocket('ann');
    const annSse = overSse('ann');
    const bob = overWebSocket('bob');
    const annGlobex = overSse('annGlobex');
    await subscriptionsOpen(4);
    await publish(
      inApp('for ann', 'acme', 'ann'),
      inApp('for bob', 'acme', 'bob'),
      inApp('for ann of globex', 'globex', 'ann'),
      inApp('for carol', 'acme', 'carol'),
      inApp('for ann of initech', 'initech', 'ann'),
    );
    // the last ones of each: everything published before them was dispatched already
    await publish(inApp('last ann', 'acme', 'ann'), inApp('last bob', 'acme', 'bob'), inApp('last ann of globex', 'globex', 'ann'));
    await expect.poll(() => [ann, annSse, bob, annGlobex].map((r) => r.titles.length), { timeout: 10_000 }).toEqual([2, 2, 2, 2]);
    expect(ann.titles).toEqual(['for ann', 'last ann']);
    expect(annSse.titles).toEqual(['for ann', 'last ann']);
    expect(bob.titles).toEqual(['for bob', 'last bob']);
    expect(annGlobex.titles).toEqual(['for ann of globex', 'last ann of globex']);
    expect(ann.notices[0]).toEqual({
      id: uuid('for ann'),
      type: 'adapter.unhealthy',
      priority: 'HIGH',
      title: 'for ann',
      body: 'body of for ann',
      entityUrn: null,
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    for (const client of clients.splice(0)) await client.dispose();
    await subscriptionsOpen(0);
  });

  it('refuses a caller without a notifications scope with FORBIDDEN', async () => {
    const refused = [overWebSocket('catalogOnly'), overSse('catalogOnly')];
    await expect.poll(() => refused.map((r) => r.errors?.[0]?.extensions?.code), { timeout: 10_000 }).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    await publish(inApp('to nobody', 'acme', 'cat'));
    await subscriptionsOpen(0);
    expect(refused.map((r) => r.titles)).toEqual([[], []]);
  });

  it('puts a caller without an organisation in `default`, the single-tenant organisation, as the subgraphs do', async () => {
    const anonymous = overWebSocket('noOrg');
    await subscriptionsOpen(1);
    await publish(inApp('for acme anonymous', 'acme', 'anonymous'), inApp('for default anonymous', 'default', 'anonymous'));
    await expect.poll(() => anonymous.titles, { timeout: 10_000 }).toEqual(['for default anonymous']);
    for (const client of clients.splice(0)) await client.dispose();
    await subscriptionsOpen(0);
  });
});
