import { randomBytes } from 'node:crypto';
import { execute, parse } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { err, type Principal } from '@dictamesh/runtime';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { createRequestContext } from '@dictamesh/subgraph-kit';
import type { ChannelProvider } from '../channels/channel';
import { ChannelRegistry } from '../channels/registry';
import type { NotificationsServices } from '../context';
import { NOTIFICATION_LIMITS } from '../limits';
import type { DeliveryQueue } from '../queue/queue';
import { buildNotificationsSchema } from '../schema';
import { seedPlatformTypes } from '../types/seed';

// Types, templates and settings resolvers executed on the subgraph schema with a request context
// (no HTTP), on an in-memory PGlite seeded with the platform types.
let db: Database;
let services: NotificationsServices;
const schema = buildNotificationsSchema();
const noQueue = {} as DeliveryQueue;
/** An EMAIL provider that only validates addresses (as the SMTP provider does). */
const email: ChannelProvider = {
  channel: 'EMAIL',
  available: true,
  validateAddress: (address) => {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) throw err('NOTIFICATION_ADDRESS_INVALID', undefined, { channel: 'EMAIL' });
  },
  send: async () => ({ outcome: 'DELIVERED' }),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers are read by path in assertions
type Result = { data?: Record<string, any> | null; errors?: { message: string; code?: string; details?: Record<string, unknown> }[] };
async function run(principal: Partial<Principal>, query: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const full: Principal = { subject: 'ann', org: 'acme', scopes: ['notifications:admin'], method: 'jwt', ...principal } as Principal;
  const result = await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: { ...createRequestContext(full), ...services },
  });
  const errors = result.errors?.map((e) => {
    const original = e.originalError as { code?: string; details?: Record<string, unknown> } | undefined;
    return { message: e.message, code: original?.code, details: original?.details };
  });
  return JSON.parse(JSON.stringify({ data: result.data, ...(errors ? { errors } : {}) })) as Result;
}
const codes = (r: Result) => r.errors?.map((e) => e.code);
const admin = { scopes: ['notifications:admin'] };
const platform = { scopes: ['dictamesh:platform'] };
const user = { scopes: ['notifications:write'] };

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  services = {
    prisma: db.prisma,
    now: () => new Date('2026-12-01T10:00:00.000Z'),
    log: pino({ level: 'silent' }),
    secrets: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
    queue: noQueue,
    channels: new ChannelRegistry([email]),
    allowPrivateNetworks: false,
    limits: NOTIFICATION_LIMITS,
  };
  await seedPlatformTypes(db.prisma);
}, 120_000);
afterAll(async () => {
  await db?.close();
});

const SAVE_TYPE = `mutation ($input: NotificationTypeInput!) { saveNotificationType(input: $input) { key description priority critical defaultChannels fallbackChannel platform } }`;
const TYPES = `{ notificationTypes { key priority platform } }`;
const SAVE_TEMPLATE = `mutation ($input: SaveNotificationTemplateInput!) { saveNotificationTemplate(input: $input) { type channel locale version subject body html platform createdBy variables { name type required } } }`;
const TEMPLATES = `query ($type: String, $all: Boolean) { notificationTemplates(type: $type, allVersions: $all) { type channel locale version platform } }`;
const PREVIEW = `query ($type: String!, $channel: NotificationChannel!, $locale: String, $variables: JSON!) { previewNotification(type: $type, channel: $channel, locale: $locale, variables: $variables) { subject body html templateVersion locale } }`;

describe('notification types', () => {
  it('lists platform types, lets an organisation add its own and override a platform key for itself only', async () => {
    const saved = await run(admin, SAVE_TYPE, {
      input: { key: 'acme.deploy', description: 'Deploys', defaultChannels: ['EMAIL', 'IN_APP'], fallbackChannel: 'SMS' },
    });
    expect(saved).toEqual({
      data: {
        saveNotificationType: {
          key: 'acme.deploy',
          description: 'Deploys',
          priority: 'NORMAL',
          critical: false,
          defaultChannels: ['EMAIL', 'IN_APP'],
          fallbackChannel: 'SMS',
          platform: false,
        },
      },
    });
    // saving again updates it
    expect(
      (await run(admin, SAVE_TYPE, { input: { key: 'acme.deploy', priority: 'HIGH', defaultChannels: ['IN_APP'] } })).data
        ?.saveNotificationType,
    ).toMatchObject({
      priority: 'HIGH',
      description: '',
      defaultChannels: ['IN_APP'],
    });
    await run(admin, SAVE_TYPE, { input: { key: 'dlq.dead_letter', priority: 'LOW', defaultChannels: ['IN_APP'] } });
    const acme = (await run(admin, TYPES)).data!.notificationTypes as { key: string; priority: string; platform: boolean }[];
    expect(acme).toHaveLength(12);
    expect(acme.filter((t) => ['acme.deploy', 'dlq.dead_letter', 'entity.changed'].includes(t.key))).toEqual([
      { key: 'acme.deploy', priority: 'HIGH', platform: false },
      { key: 'dlq.dead_letter', priority: 'LOW', platform: false },
      { key: 'entity.changed', priority: 'NORMAL', platform: true },
    ]);
    const globex = (await run({ ...admin, org: 'globex' }, TYPES)).data!.notificationTypes as { key: string; priority: string }[];
    expect(globex).toHaveLength(11);
    expect(globex.find((t) => t.key === 'dlq.dead_letter')).toEqual({ key: 'dlq.dead_letter', priority: 'NORMAL', platform: true });
  }, 120_000);

  it('refuses bad keys (NOTIFICATION_TYPE_INVALID), platform writes without dictamesh:platform and callers without admin', async () => {
    for (const key of ['Upper', '1abc', 'a b', 'x'.repeat(101)]) {
      expect(codes(await run(admin, SAVE_TYPE, { input: { key, defaultChannels: ['IN_APP'] } }))).toEqual(['NOTIFICATION_TYPE_INVALID']);
    }
    expect(codes(await run(admin, SAVE_TYPE, { input: { key: 'x.y', defaultChannels: ['IN_APP'], platform: true } }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await run(user, SAVE_TYPE, { input: { key: 'x.y', defaultChannels: ['IN_APP'] } }))).toEqual(['FORBIDDEN']);
    expect(await db.prisma.notificationType.count({ where: { key: 'x.y' } })).toBe(0);
    const ok = await run(platform, SAVE_TYPE, { input: { key: 'platform.new', defaultChannels: ['IN_APP'], platform: true } });
    expect(ok.data?.saveNotificationType).toMatchObject({ key: 'platform.new', platform: true });
  }, 120_000);
});

describe('notification templates', () => {
  const input = {
    type: 'acme.deploy',
    channel: 'EMAIL',
    subject: 'Deployed {{service}}',
    body: '{{service}} v{{version}}{{#each hosts}} {{this}}{{/each}}',
    html: '<b>{{service}}</b>',
    variables: [
      { name: 'service', type: 'STRING' },
      { name: 'version', type: 'NUMBER' },
      { name: 'hosts', type: 'ARRAY', required: false },
    ],
  };

  it('saves versions 1, 2, … (concurrent saves get consecutive versions), lists the latest or all, previews', async () => {
    const first = await run(admin, SAVE_TEMPLATE, { input });
    expect(first).toEqual({
      data: {
        saveNotificationTemplate: {
          type: 'acme.deploy',
          channel: 'EMAIL',
          locale: 'en',
          version: 1,
          subject: 'Deployed {{service}}',
          body: input.body,
          html: '<b>{{service}}</b>',
          platform: false,
          createdBy: 'ann',
          variables: [
            { name: 'hosts', type: 'ARRAY', required: false },
            { name: 'service', type: 'STRING', required: true },
            { name: 'version', type: 'NUMBER', required: true },
          ],
        },
      },
    });
    const more = await Promise.all([1, 2, 3].map(() => run(admin, SAVE_TEMPLATE, { input })));
    expect(more.map((r) => r.data?.saveNotificationTemplate.version).sort()).toEqual([2, 3, 4]);
    expect((await run(admin, SAVE_TEMPLATE, { input: { ...input, locale: 'fr-ca' } })).data?.saveNotificationTemplate).toMatchObject({
      locale: 'fr-CA',
      version: 1,
    });
    expect((await run(admin, TEMPLATES, { type: 'acme.deploy' })).data?.notificationTemplates).toEqual([
      { type: 'acme.deploy', channel: 'EMAIL', locale: 'en', version: 4, platform: false },
      { type: 'acme.deploy', channel: 'EMAIL', locale: 'fr-CA', version: 1, platform: false },
    ]);
    expect((await run(admin, TEMPLATES, { type: 'acme.deploy', all: true })).data?.notificationTemplates).toHaveLength(5);
    // the platform's templates are listed too; another organisation does not see acme's
    expect((await run(admin, TEMPLATES, { type: 'billing.invoice.finalized' })).data?.notificationTemplates).toHaveLength(4);
    expect((await run({ ...admin, org: 'globex' }, TEMPLATES, { type: 'acme.deploy' })).data?.notificationTemplates).toEqual([]);

    const preview = await run(admin, PREVIEW, {
      type: 'acme.deploy',
      channel: 'EMAIL',
      locale: 'fr-CA',
      variables: { service: 'api <1>', version: 7, hosts: ['a', 'b'] },
    });
    expect(preview).toEqual({
      data: {
        previewNotification: {
          subject: 'Deployed api <1>',
          body: 'api <1> v7 a b',
          html: '<b>api &lt;1&gt;</b>',
          templateVersion: 1,
          locale: 'fr-CA',
        },
      },
    });
    // falls back to the platform's IN_APP template
    const inApp = await run(admin, PREVIEW, {
      type: 'notifications.test',
      channel: 'SMS',
      variables: { channel: 'SMS', requestedBy: 'ann' },
    });
    expect(inApp.data?.previewNotification).toEqual({
      subject: 'DictaMesh test notification (SMS)',
      body: 'This is a test notification on SMS, requested by ann. It works.\n',
      html: null,
      templateVersion: 1,
      locale: 'en',
    });
  }, 120_000);

  it('refuses undeclared variables, unknown templates/types and bad variables with coded errors, writing nothing', async () => {
    const before = await db.prisma.notificationTemplate.count();
    const bad = await run(admin, SAVE_TEMPLATE, {
      input: { ...input, body: '{{service}} {{undeclared}} {{#each hosts}}{{name}}{{/each}}', html: '{{{service}}}' },
    });
    expect(bad.errors).toEqual([
      expect.objectContaining({
        code: 'NOTIFICATION_TEMPLATE_INVALID',
        details: {
          problems: [
            'body (line 1): undeclared variable "undeclared"',
            'html (line 1): raw output ({{{…}}} or {{& …}}) is not allowed in HTML: use {{…}}, which escapes',
          ],
        },
      }),
    ]);
    expect(codes(await run(admin, SAVE_TEMPLATE, { input: { ...input, type: 'no.such' } }))).toEqual(['NOTIFICATION_TYPE_UNKNOWN']);
    expect(codes(await run(admin, SAVE_TEMPLATE, { input: { ...input, platform: true } }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(admin, SAVE_TEMPLATE, { input: { ...input, subject: null } }))).toEqual(['NOTIFICATION_TEMPLATE_INVALID']);
    expect(codes(await run({ ...admin, org: 'globex' }, SAVE_TEMPLATE, { input }))).toEqual(['NOTIFICATION_TYPE_UNKNOWN']);
    expect(await db.prisma.notificationTemplate.count()).toBe(before);

    const missing = await run(admin, PREVIEW, { type: 'acme.deploy', channel: 'EMAIL', variables: { version: 'seven' } });
    expect(missing.errors).toEqual([
      expect.objectContaining({
        code: 'NOTIFICATION_VARIABLES_INVALID',
        details: {
          problems: [
            { name: 'service', problem: 'missing' },
            { name: 'version', problem: 'expected a finite NUMBER, got a string' },
          ],
        },
      }),
    ]);
    expect(codes(await run(admin, PREVIEW, { type: 'platform.new', channel: 'EMAIL', variables: {} }))).toEqual([
      'NOTIFICATION_TEMPLATE_UNKNOWN',
    ]);
    expect(codes(await run(admin, PREVIEW, { type: 'nope', channel: 'EMAIL', variables: {} }))).toEqual(['NOTIFICATION_TYPE_UNKNOWN']);
    // the platform operator saves a platform template: version 2 of the seeded one
    const v2 = await run(platform, SAVE_TEMPLATE, {
      input: {
        type: 'notifications.test',
        channel: 'IN_APP',
        subject: 'Test',
        body: 'on {{channel}}',
        variables: [{ name: 'channel', type: 'STRING' }],
        platform: true,
      },
    });
    expect(v2.data?.saveNotificationTemplate).toMatchObject({ version: 2, platform: true });
  }, 120_000);
});

const SETTINGS = `{ myNotificationSettings { subscriber { externalId locale timezone quietHours { start end timezone } addresses { channel address } } preferences { type channel enabled } digests { type windowSeconds } } }`;
const UPDATE = `mutation ($input: UpdateNotificationSettingsInput!) { updateNotificationSettings(input: $input) { subscriber { locale timezone quietHours { start end timezone } } preferences { type channel enabled } digests { type windowSeconds } } }`;
const ADD = `mutation ($input: NotificationAddressInput!) { addNotificationAddress(input: $input) { id channel address } }`;
const REMOVE = `mutation ($id: ID!) { removeNotificationAddress(id: $id) }`;
const UPSERT = `mutation ($input: NotificationSubscriberInput!) { upsertNotificationSubscriber(input: $input) { id externalId name locale timezone addresses { channel address } } }`;
const SUBSCRIBERS = `query ($first: Int, $after: String) { notificationSubscribers(first: $first, after: $after) { nodes { externalId } edges { cursor } pageInfo { hasNextPage endCursor } } }`;

describe('notification settings', () => {
  it('creates the caller’s subscriber on first read and updates locale, time zone, quiet hours, preferences and digests', async () => {
    expect(await run({ subject: 'bob', ...user }, SETTINGS)).toEqual({
      data: {
        myNotificationSettings: {
          subscriber: { externalId: 'bob', locale: 'en', timezone: 'UTC', quietHours: null, addresses: [] },
          preferences: [],
          digests: [],
        },
      },
    });
    const input = {
      locale: 'fr-ca',
      timezone: 'Europe/Paris',
      quietHours: { start: '22:00', end: '07:00' },
      preferences: [
        { channel: 'EMAIL', enabled: false },
        { type: 'adapter.unhealthy', enabled: true },
        { type: 'adapter.unhealthy', channel: 'SMS', enabled: false },
      ],
      digests: [{ type: 'dlq.dead_letter', windowSeconds: 3600 }],
    };
    const expected = {
      subscriber: { locale: 'fr-CA', timezone: 'Europe/Paris', quietHours: { start: '22:00', end: '07:00', timezone: 'Europe/Paris' } },
      preferences: [
        { type: null, channel: 'EMAIL', enabled: false },
        { type: 'adapter.unhealthy', channel: null, enabled: true },
        { type: 'adapter.unhealthy', channel: 'SMS', enabled: false },
      ],
      digests: [{ type: 'dlq.dead_letter', windowSeconds: 3600 }],
    };
    expect(await run({ subject: 'bob', ...user }, UPDATE, { input })).toEqual({ data: { updateNotificationSettings: expected } });
    // upserted by (type, channel): a second update changes rows, never duplicates them; null removes a digest
    const again = await run({ subject: 'bob', ...user }, UPDATE, {
      input: {
        clearQuietHours: true,
        preferences: [{ channel: 'EMAIL', enabled: true }],
        digests: [{ type: 'dlq.dead_letter', windowSeconds: null }],
      },
    });
    expect(again.data?.updateNotificationSettings).toEqual({
      subscriber: { locale: 'fr-CA', timezone: 'Europe/Paris', quietHours: null },
      preferences: [{ type: null, channel: 'EMAIL', enabled: true }, ...expected.preferences.slice(1)],
      digests: [],
    });
  }, 120_000);

  it('refuses bad settings with NOTIFICATION_PREFERENCE_INVALID (every problem), writing nothing', async () => {
    const bad = await run({ subject: 'bob', ...user }, UPDATE, {
      input: {
        locale: 'not a locale!',
        timezone: 'Mars/Olympus',
        preferences: [{ type: 'billing.payment.failed', enabled: false }],
        digests: [{ type: 'dlq.dead_letter', windowSeconds: 59 }],
      },
    });
    expect(bad.errors).toEqual([
      expect.objectContaining({
        code: 'NOTIFICATION_PREFERENCE_INVALID',
        details: {
          problems: [
            '"not a locale!" is not a BCP 47 locale',
            '"Mars/Olympus" is not an IANA time zone',
            '"billing.payment.failed" is critical: it cannot be muted',
            'digest window of "dlq.dead_letter" must be 60 to 604800 seconds',
          ],
        },
      }),
    ]);
    expect(codes(await run({ subject: 'bob', ...user }, UPDATE, { input: { quietHours: { start: '25:00', end: '07:00' } } }))).toEqual([
      'NOTIFICATION_PREFERENCE_INVALID',
    ]);
    expect(
      codes(await run({ subject: 'bob', ...user }, UPDATE, { input: { preferences: [{ type: 'no.such', enabled: false }] } })),
    ).toEqual(['NOTIFICATION_TYPE_UNKNOWN']);
    expect((await run({ subject: 'bob', ...user }, SETTINGS)).data?.myNotificationSettings.subscriber).toMatchObject({
      locale: 'fr-CA',
      timezone: 'Europe/Paris',
    });
    expect(codes(await run({ subject: 'bob', scopes: ['notifications:read'] }, UPDATE, { input: { locale: 'en' } }))).toEqual([
      'FORBIDDEN',
    ]);
  }, 120_000);

  it('adds (validated by the channel’s provider) and removes the caller’s addresses; other organisations’ ids are not found', async () => {
    const added = await run({ subject: 'bob', ...user }, ADD, { input: { channel: 'EMAIL', address: ' bob@acme.test ' } });
    expect(added.data?.addNotificationAddress).toMatchObject({ channel: 'EMAIL', address: 'bob@acme.test' });
    const again = await run({ subject: 'bob', ...user }, ADD, { input: { channel: 'EMAIL', address: 'bob@acme.test' } });
    expect(again.data?.addNotificationAddress.id).toBe(added.data?.addNotificationAddress.id);
    expect(codes(await run({ subject: 'bob', ...user }, ADD, { input: { channel: 'EMAIL', address: 'not-an-email' } }))).toEqual([
      'NOTIFICATION_ADDRESS_INVALID',
    ]);
    expect(codes(await run({ subject: 'bob', ...user }, ADD, { input: { channel: 'WEBHOOK', address: 'https://x.test' } }))).toEqual([
      'NOTIFICATION_ADDRESS_INVALID',
    ]);
    // SMS has no provider in this deployment: no check beyond the basics
    expect(
      (await run({ subject: 'bob', ...user }, ADD, { input: { channel: 'SMS', address: '+33612345678' } })).data?.addNotificationAddress,
    ).toMatchObject({ channel: 'SMS' });
    const id = added.data?.addNotificationAddress.id as string;
    // same subject in another organisation, another subject in the same one: not theirs
    expect(await run({ subject: 'bob', org: 'globex', ...user }, REMOVE, { id })).toEqual({ data: { removeNotificationAddress: false } });
    expect(await run({ subject: 'eve', ...user }, REMOVE, { id })).toEqual({ data: { removeNotificationAddress: false } });
    expect(await run({ subject: 'bob', ...user }, REMOVE, { id: 'not-a-uuid' })).toEqual({ data: { removeNotificationAddress: false } });
    expect(await run({ subject: 'bob', ...user }, REMOVE, { id })).toEqual({ data: { removeNotificationAddress: true } });
    expect((await run({ subject: 'bob', ...user }, SETTINGS)).data?.myNotificationSettings.subscriber.addresses).toEqual([
      { channel: 'SMS', address: '+33612345678' },
    ]);
  }, 120_000);

  it('administrators upsert subscribers with addresses and page through their organisation’s only', async () => {
    const created = await run(admin, UPSERT, {
      input: {
        externalId: 'finance-team',
        name: 'Finance',
        locale: 'fr',
        timezone: 'Europe/Paris',
        addresses: [{ channel: 'EMAIL', address: 'finance@acme.test' }],
      },
    });
    expect(created.data?.upsertNotificationSubscriber).toMatchObject({
      externalId: 'finance-team',
      name: 'Finance',
      locale: 'fr',
      timezone: 'Europe/Paris',
      addresses: [{ channel: 'EMAIL', address: 'finance@acme.test' }],
    });
    const updated = await run(admin, UPSERT, {
      input: { externalId: 'finance-team', addresses: [{ channel: 'EMAIL', address: 'billing@acme.test' }] },
    });
    expect(updated.data?.upsertNotificationSubscriber).toMatchObject({
      id: created.data?.upsertNotificationSubscriber.id,
      name: 'Finance',
      addresses: [
        { channel: 'EMAIL', address: 'finance@acme.test' },
        { channel: 'EMAIL', address: 'billing@acme.test' },
      ],
    });
    expect(codes(await run(admin, UPSERT, { input: { externalId: 'x', addresses: [{ channel: 'EMAIL', address: 'nope' }] } }))).toEqual([
      'NOTIFICATION_ADDRESS_INVALID',
    ]);
    expect(codes(await run(admin, UPSERT, { input: { externalId: 'x', timezone: 'Nowhere/Else' } }))).toEqual([
      'NOTIFICATION_PREFERENCE_INVALID',
    ]);
    expect(await db.prisma.notificationSubscriber.count({ where: { externalId: 'x' } })).toBe(0);
    await run({ ...admin, org: 'globex' }, UPSERT, { input: { externalId: 'globex-only' } });

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r = await run(admin, SUBSCRIBERS, { first: 2, after });
      const conn = r.data?.notificationSubscribers as {
        nodes: { externalId: string }[];
        edges: { cursor: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      seen.push(...conn.nodes.map((n) => n.externalId));
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    // subscribers of callers exist once they used their settings (bob, eve); globex's are not listed
    expect(seen.sort()).toEqual(['bob', 'eve', 'finance-team']);
    expect(codes(await run(admin, SUBSCRIBERS, { first: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(admin, SUBSCRIBERS, { after: 'garbage' }))).toEqual(['INVALID_CURSOR']);
    expect(codes(await run(user, SUBSCRIBERS))).toEqual(['FORBIDDEN']);
  }, 120_000);
});
