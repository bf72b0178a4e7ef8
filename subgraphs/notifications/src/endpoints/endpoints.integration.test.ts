import { randomBytes, randomUUID } from 'node:crypto';
import { execute, parse } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import type { Resolver } from '@dictamesh/net-guard';
import type { Principal } from '@dictamesh/runtime';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { createRequestContext } from '@dictamesh/subgraph-kit';
import { ChannelRegistry } from '../channels/registry';
import type { NotificationsServices } from '../context';
import { NOTIFICATION_LIMITS } from '../limits';
import type { DeliveryQueue } from '../queue/queue';
import { buildNotificationsSchema } from '../schema';
import { matchingEndpoints } from './match';
import { createEndpoint, listEndpoints, rotateEndpointSecret, setEndpointStatus } from './store';
import { loadEndpointTarget } from './targets';

// Endpoints on an in-memory PGlite: the store (URL checks, sealed secrets, rotation), the
// targets the worker loads, matching, and the GraphQL resolvers with organisation isolation.
let db: Database;
let services: NotificationsServices;
let clock = new Date('2026-12-01T10:00:00.000Z');
const schema = buildNotificationsSchema();
const noQueue: DeliveryQueue = {
  enqueueDelivery: async () => undefined,
  enqueueDigest: async () => undefined,
  handle: () => undefined,
  install: async () => undefined,
  start: async () => undefined,
  jobCounts: async () => ({}) as Awaited<ReturnType<DeliveryQueue['jobCounts']>>,
  wake: () => undefined,
  stop: async () => undefined,
};
// public names resolve to documentation-free public addresses; `intranet.example` to a private one (no DNS is asked)
const resolve: Resolver = async (name) => [{ address: name === 'intranet.example' ? '10.0.0.7' : '93.184.216.34', family: 4 }];

async function run(principal: Partial<Principal> & { org?: string }, query: string, variables: Record<string, unknown> = {}) {
  const full: Principal = { subject: 'admin@acme', scopes: ['notifications:admin'], method: 'jwt', ...principal } as Principal;
  const result = await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: { ...createRequestContext(full), ...services },
  });
  // the DictaMeshError's code as the server's error formatting would answer it
  const errors = result.errors?.map((e) => ({
    message: e.message,
    extensions: { code: (e.originalError as { code?: string } | undefined)?.code },
  }));
  return JSON.parse(JSON.stringify({ data: result.data, ...(errors ? { errors } : {}) })) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}
const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code);

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  services = {
    prisma: db.prisma,
    now: () => clock,
    log: pino({ level: 'silent' }),
    secrets: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
    queue: noQueue,
    channels: new ChannelRegistry([], { EMAIL: 10 }),
    allowPrivateNetworks: false,
    limits: NOTIFICATION_LIMITS,
  };
}, 120_000);
afterAll(async () => {
  await db?.close();
});

describe('endpoint store', () => {
  it('WEBHOOK: https to a public address, a whsec_ secret shown once and stored sealed, opened for the worker', async () => {
    const created = await createEndpoint(
      services,
      'acme',
      { channel: 'WEBHOOK', name: ' Ops hook ', url: 'https://hooks.acme.example/dictamesh', types: ['adapter.unhealthy'] },
      { resolve },
    );
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.secret!.slice(6), 'base64')).toHaveLength(24);
    expect(created.endpoint).toMatchObject({
      orgId: 'acme',
      channel: 'WEBHOOK',
      name: 'Ops hook',
      url: 'https://hooks.acme.example/dictamesh',
      typeKeys: ['adapter.unhealthy'],
      status: 'ENABLED',
      activeSecrets: 1,
    });
    const [stored] = await db.prisma.notificationEndpointSecret.findMany({ where: { endpointId: created.endpoint.id } });
    expect(Buffer.from(stored!.ciphertext).includes(Buffer.from(created.secret!))).toBe(false);
    expect(stored!.keyId).toMatch(/^kek-1-/);
    expect(await loadEndpointTarget(services, created.endpoint.id)).toEqual({
      id: created.endpoint.id,
      channel: 'WEBHOOK',
      url: 'https://hooks.acme.example/dictamesh',
      secrets: [created.secret],
    });
  });

  it('refuses http, loopback, private and credentialed URLs outside development; allows http and loopback in development', async () => {
    const attempt = (url: string, allowPrivateNetworks = false) =>
      createEndpoint({ ...services, allowPrivateNetworks }, 'acme', { channel: 'WEBHOOK', name: 'x', url }, { resolve }).then(
        () => 'created',
        (e: { code?: string; details?: { problems?: string[] } }) => `${e.code}: ${e.details?.problems?.join('; ')}`,
      );
    const before = await db.prisma.notificationEndpoint.count();
    expect(await attempt('http://hooks.acme.example/x')).toBe('NOTIFICATION_ENDPOINT_FORBIDDEN: the scheme must be https');
    expect(await attempt('https://127.0.0.1:8443/x')).toBe('NOTIFICATION_ENDPOINT_FORBIDDEN: "127.0.0.1" is not a public address');
    expect(await attempt('https://[::1]/x')).toBe('NOTIFICATION_ENDPOINT_FORBIDDEN: "[::1]" is not a public address');
    expect(await attempt('https://169.254.169.254/latest/meta-data')).toBe(
      'NOTIFICATION_ENDPOINT_FORBIDDEN: "169.254.169.254" is not a public address',
    );
    expect(await attempt('https://intranet.example/x')).toBe('NOTIFICATION_ENDPOINT_FORBIDDEN: "intranet.example" is not a public address');
    expect(await attempt('https://user:pw@hooks.acme.example/x')).toBe(
      'NOTIFICATION_ENDPOINT_FORBIDDEN: credentials in the URL are not allowed',
    );
    expect(await attempt('not a url')).toBe('NOTIFICATION_ENDPOINT_FORBIDDEN: not an absolute URL');
    expect(await db.prisma.notificationEndpoint.count()).toBe(before);
    expect(await attempt('http://127.0.0.1:8080/x', true)).toBe('created');
  });

  it('SLACK: the URL is sealed (shown: its origin); PAGERDUTY: the routing key sealed, the Events API URL by default', async () => {
    const slackUrl = 'https://hooks.slack.example/services/T000/B000/XXXXXXXXXXXXXXXX';
    const slack = await createEndpoint(services, 'acme', { channel: 'SLACK', name: 'alerts', url: slackUrl }, { resolve });
    expect(slack.secret).toBeNull();
    expect(slack.endpoint.url).toBe('https://hooks.slack.example');
    expect(await loadEndpointTarget(services, slack.endpoint.id)).toMatchObject({ channel: 'SLACK', url: slackUrl, secrets: [] });
    const pd = await createEndpoint(
      services,
      'acme',
      { channel: 'PAGERDUTY', name: 'on-call', routingKey: 'R0UTINGKEY0123456789012345678901' },
      { resolve },
    );
    expect(pd.secret).toBeNull();
    expect(pd.endpoint.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(await loadEndpointTarget(services, pd.endpoint.id)).toMatchObject({
      url: 'https://events.pagerduty.com/v2/enqueue',
      secrets: ['R0UTINGKEY0123456789012345678901'],
    });
    const bad = await createEndpoint(services, 'acme', { channel: 'EMAIL', name: '', types: ['Not A Key'] }, { resolve }).catch(
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        problems: ['channel: endpoints are WEBHOOK, SLACK, PAGERDUTY', 'name: 1 to 200 characters', 'types: "Not A Key" is not a type key'],
      },
    });
    expect(
      await createEndpoint(services, 'acme', { channel: 'PAGERDUTY', name: 'x' }, { resolve }).catch((e: { code: string }) => e.code),
    ).toBe('BAD_USER_INPUT');
  });

  it('rotation: the new secret signs first, the old keeps signing for the grace, then drops out', async () => {
    const created = await createEndpoint(
      services,
      'globex',
      { channel: 'WEBHOOK', name: 'rotating', url: 'https://hooks.globex.example/' },
      { resolve },
    );
    clock = new Date('2026-12-01T11:00:00.000Z');
    const rotated = await rotateEndpointSecret(services, 'globex', created.endpoint.id, 3600);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.endpoint.activeSecrets).toBe(2);
    expect((await loadEndpointTarget(services, created.endpoint.id)).secrets).toEqual([rotated.secret, created.secret]);
    const old = await db.prisma.notificationEndpointSecret.findFirst({
      where: { endpointId: created.endpoint.id, expiresAt: { not: null } },
    });
    expect(old!.expiresAt).toEqual(new Date('2026-12-01T12:00:00.000Z'));
    clock = new Date('2026-12-01T12:00:00.001Z');
    expect((await loadEndpointTarget(services, created.endpoint.id)).secrets).toEqual([rotated.secret]);
    expect((await listEndpoints(services, 'globex')).map((e) => e.activeSecrets)).toEqual([1]);
    expect(await rotateEndpointSecret(services, 'globex', created.endpoint.id, 8 * 86_400).catch((e: { code: string }) => e.code)).toBe(
      'BAD_USER_INPUT',
    );
    expect(await rotateEndpointSecret(services, 'acme', created.endpoint.id, 60).catch((e: { code: string }) => e.code)).toBe(
      'NOTIFICATION_ENDPOINT_UNKNOWN',
    );
    clock = new Date('2026-12-01T10:00:00.000Z');
  });

  it('matchingEndpoints: enabled, on the channels, types empty or containing the type, of the organisation', async () => {
    const org = `match-${randomUUID()}`;
    const make = (name: string, channel: 'WEBHOOK' | 'SLACK', types: string[]) =>
      createEndpoint(services, org, { channel, name, url: `https://${name}.example/`, types }, { resolve }).then((e) => e.endpoint.id);
    const all = await make('all', 'WEBHOOK', []);
    const billing = await make('billing', 'WEBHOOK', ['billing.payment.failed', 'billing.invoice.paid']);
    await make('adapters', 'WEBHOOK', ['adapter.unhealthy']);
    const slack = await make('slack', 'SLACK', []);
    const off = await make('off', 'WEBHOOK', []);
    await setEndpointStatus(services, org, off, 'DISABLED');
    const names = async (type: string, channels: ('WEBHOOK' | 'SLACK' | 'PAGERDUTY')[]) =>
      (await matchingEndpoints(db.prisma, org, type, channels)).map((e) => e.id);
    expect(await names('billing.payment.failed', ['WEBHOOK'])).toEqual([all, billing]);
    expect(await names('billing.payment.failed', ['WEBHOOK', 'SLACK'])).toEqual([all, billing, slack]);
    expect(await names('dlq.dead_letter', ['PAGERDUTY'])).toEqual([]);
    expect(await matchingEndpoints(db.prisma, 'acme-other', 'billing.payment.failed', ['WEBHOOK'])).toEqual([]);
  });
});

const CREATE = /* GraphQL */ `
  mutation ($input: NotificationEndpointInput!) {
    createNotificationEndpoint(input: $input) {
      secret
      endpoint {
        id
        channel
        name
        url
        types
        status
        activeSecrets
      }
    }
  }
`;

describe('endpoint resolvers', () => {
  it('creates, lists, rotates, disables and deletes with notifications:admin; secrets only in the one-time answers', async () => {
    const org = `gql-${randomUUID().slice(0, 8)}`;
    const dev = { ...services, allowPrivateNetworks: true };
    const saved = services;
    services = dev; // loopback URL allowed (development) so no name is resolved
    try {
      const created = await run({ org }, CREATE, {
        input: { channel: 'WEBHOOK', name: 'ops', url: 'http://127.0.0.1:9/hook', types: ['dlq.dead_letter'] },
      });
      const answer = (created.data as { createNotificationEndpoint: { secret: string; endpoint: { id: string } } })
        .createNotificationEndpoint;
      expect(answer.secret).toMatch(/^whsec_/);
      expect(answer.endpoint).toMatchObject({
        channel: 'WEBHOOK',
        name: 'ops',
        url: 'http://127.0.0.1:9/hook',
        types: ['dlq.dead_letter'],
        status: 'ENABLED',
        activeSecrets: 1,
      });
      const slack = await run({ org }, CREATE, {
        input: { channel: 'SLACK', name: 'chat', url: 'http://127.0.0.1:9/services/T/B/SECRETPART' },
      });
      expect(JSON.stringify(slack)).not.toContain('SECRETPART');
      const list = await run({ org }, `{ notificationEndpoints { name url activeSecrets status } }`);
      expect(list.data).toEqual({
        notificationEndpoints: [
          { name: 'ops', url: 'http://127.0.0.1:9/hook', activeSecrets: 1, status: 'ENABLED' },
          { name: 'chat', url: 'http://127.0.0.1:9', activeSecrets: 1, status: 'ENABLED' },
        ],
      });
      const rotated = await run(
        { org },
        `mutation ($id: ID!) { rotateNotificationEndpointSecret(id: $id, graceSeconds: 600) { secret endpoint { activeSecrets } } }`,
        { id: answer.endpoint.id },
      );
      expect(rotated.data).toEqual({
        rotateNotificationEndpointSecret: { secret: expect.stringMatching(/^whsec_/) as string, endpoint: { activeSecrets: 2 } },
      });
      const disabled = await run(
        { org },
        `mutation ($id: ID!) { setNotificationEndpointStatus(id: $id, status: DISABLED) { status disabledReason } }`,
        { id: answer.endpoint.id },
      );
      expect(disabled.data).toEqual({
        setNotificationEndpointStatus: { status: 'DISABLED', disabledReason: 'disabled by an administrator' },
      });
      const enabled = await run(
        { org },
        `mutation ($id: ID!) { setNotificationEndpointStatus(id: $id, status: ENABLED) { status disabledReason } }`,
        { id: answer.endpoint.id },
      );
      expect(enabled.data).toEqual({ setNotificationEndpointStatus: { status: 'ENABLED', disabledReason: null } });
      expect((await run({ org }, `mutation ($id: ID!) { deleteNotificationEndpoint(id: $id) }`, { id: answer.endpoint.id })).data).toEqual({
        deleteNotificationEndpoint: true,
      });
      expect(await db.prisma.notificationEndpointSecret.count({ where: { endpointId: answer.endpoint.id } })).toBe(0);
    } finally {
      services = saved;
    }
  });

  it('isolates organisations and needs the admin level', async () => {
    const mine = await createEndpoint(services, 'acme', { channel: 'WEBHOOK', name: 'acme only', url: 'https://93.184.216.34/hook' });
    const id = mine.endpoint.id;
    const other = { org: 'globex' };
    expect(codes(await run(other, `mutation ($id: ID!) { deleteNotificationEndpoint(id: $id) }`, { id }))).toEqual([
      'NOTIFICATION_ENDPOINT_UNKNOWN',
    ]);
    expect(codes(await run(other, `mutation ($id: ID!) { rotateNotificationEndpointSecret(id: $id) { secret } }`, { id }))).toEqual([
      'NOTIFICATION_ENDPOINT_UNKNOWN',
    ]);
    expect(
      codes(await run(other, `mutation ($id: ID!) { setNotificationEndpointStatus(id: $id, status: DISABLED) { id } }`, { id })),
    ).toEqual(['NOTIFICATION_ENDPOINT_UNKNOWN']);
    expect(codes(await run(other, `mutation { deleteNotificationEndpoint(id: "not-a-uuid") }`))).toEqual(['NOTIFICATION_ENDPOINT_UNKNOWN']);
    const globexList = (await run(other, `{ notificationEndpoints { id } }`)).data as { notificationEndpoints: { id: string }[] };
    expect(globexList.notificationEndpoints.map((e) => e.id)).not.toContain(id);
    const writer = { org: 'acme', scopes: ['notifications:write'] };
    expect(codes(await run(writer, `{ notificationEndpoints { id } }`))).toEqual(['FORBIDDEN']);
    expect(codes(await run(writer, CREATE, { input: { channel: 'WEBHOOK', name: 'x', url: 'https://93.184.216.34/x' } }))).toEqual([
      'FORBIDDEN',
    ]);
    const forbidden = await run({ org: 'acme' }, CREATE, { input: { channel: 'WEBHOOK', name: 'x', url: 'https://127.0.0.1/x' } });
    expect(codes(forbidden)).toEqual(['NOTIFICATION_ENDPOINT_FORBIDDEN']);
    expect((await db.prisma.notificationEndpoint.findUnique({ where: { id } }))?.status).toBe('ENABLED');
  });

  it('Organization: channels and the dead deliveries count, own organisation only (the platform operator any)', async () => {
    const ORG = /* GraphQL */ `
      query ($reps: [_Any!]!) {
        _entities(representations: $reps) {
          ... on Organization {
            id
            notificationChannels {
              channel
              available
              rateLimitPerSecond
            }
            failedNotificationDeliveries
          }
        }
      }
    `;
    const reps = [{ __typename: 'Organization', id: 'acme' }];
    const own = await run({ org: 'acme' }, ORG, { reps });
    expect(own.errors).toBeUndefined();
    const entity = (own.data as { _entities: { id: string; notificationChannels: unknown[]; failedNotificationDeliveries: number }[] })
      ._entities[0]!;
    expect(entity.id).toBe('acme');
    expect(entity.failedNotificationDeliveries).toBe(0);
    expect(entity.notificationChannels).toEqual([
      { channel: 'EMAIL', available: false, rateLimitPerSecond: 10 },
      { channel: 'SMS', available: false, rateLimitPerSecond: null },
      { channel: 'PUSH', available: false, rateLimitPerSecond: null },
      { channel: 'SLACK', available: false, rateLimitPerSecond: null },
      { channel: 'WEBHOOK', available: false, rateLimitPerSecond: null },
      { channel: 'IN_APP', available: false, rateLimitPerSecond: null },
      { channel: 'PAGERDUTY', available: false, rateLimitPerSecond: null },
    ]);
    expect(codes(await run({ org: 'globex' }, ORG, { reps }))).toEqual(['FORBIDDEN']);
    expect(codes(await run({ org: 'acme', scopes: ['notifications:read'] }, ORG, { reps }))).toEqual(['FORBIDDEN']);
    expect((await run({ org: 'platform-ops', scopes: ['dictamesh:platform'] }, ORG, { reps })).errors).toBeUndefined();
    expect((await run({ org: 'acme', scopes: ['notifications:read'] }, `{ notificationChannels { channel } }`)).data).toEqual({
      notificationChannels: ['EMAIL', 'SMS', 'PUSH', 'SLACK', 'WEBHOOK', 'IN_APP', 'PAGERDUTY'].map((channel) => ({ channel })),
    });
  });
});
