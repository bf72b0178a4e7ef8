import { openDatabase, type Database, type NotificationChannel, type PrismaClient } from '@dictamesh/db';
import pino from 'pino';
import type { ChannelProvider } from '../channels/channel';
import { assertEmailAddress } from '../channels/email/address';
import { ChannelRegistry } from '../channels/registry';
import type { NotificationsServices } from '../context';
import { NOTIFICATION_LIMITS } from '../limits';
import { createTableQueue, type TableQueue } from './test-queue';

// Tests only: the organisations, types, templates and subscribers the send, digest and resolver
// tests share, and providers that send nothing.

/** A provider that accepts every message; EMAIL checks addresses as the SMTP provider does. */
export function fakeProvider(channel: NotificationChannel, available = true): ChannelProvider {
  return {
    channel,
    available,
    ...(channel === 'EMAIL' ? { validateAddress: assertEmailAddress } : {}),
    send: async () => ({ outcome: 'DELIVERED' }),
  };
}

/** EMAIL, IN_APP, WEBHOOK, SLACK available; SMS and PUSH configured off. */
export function fakeRegistry(): ChannelRegistry {
  return new ChannelRegistry([
    fakeProvider('EMAIL'),
    fakeProvider('IN_APP'),
    fakeProvider('WEBHOOK'),
    fakeProvider('SLACK'),
    fakeProvider('SMS', false),
    fakeProvider('PUSH', false),
  ]);
}

/** Services over `prisma` with the table queue, fake providers and a settable clock. */
export function testServices(prisma: PrismaClient, queue: TableQueue, clock: { now: Date }): NotificationsServices {
  return {
    prisma,
    now: () => clock.now,
    log: pino({ level: 'silent' }),
    secrets: undefined as unknown as NotificationsServices['secrets'],
    queue,
    channels: fakeRegistry(),
    allowPrivateNetworks: true,
    limits: { ...NOTIFICATION_LIMITS },
  };
}

/** Template variables of `ops.alert`. */
export const ALERT_VARIABLES = {
  name: { type: 'string', required: true },
  status: { type: 'string', required: true },
  attempts: { type: 'number', required: false },
};

/** The subscribers of {@link seedSendFixtures}, by name. */
export interface SendFixtures {
  ann: string;
  bob: string;
  carol: string;
  dave: string;
  /** A subscriber of globex. */
  gina: string;
  webhook: string;
  globexWebhook: string;
}

/**
 * Organisation `acme`'s types `ops.alert` (IN_APP, EMAIL, SMS by default), `ops.page` (critical)
 * and `ops.bare` (no template), with IN_APP and EMAIL templates (and `notifications.digest`
 * ones); subscribers ann (email, Europe/Paris), bob (no address, muted on EMAIL), carol (email,
 * quiet hours 22:00–07:00 Europe/Paris), dave (email, digest of ops.alert every hour); a webhook
 * endpoint; globex's subscriber gina and endpoint.
 */
export async function seedSendFixtures(prisma: PrismaClient): Promise<SendFixtures> {
  await prisma.notificationType.createMany({
    data: [
      { orgId: 'acme', key: 'ops.alert', defaultChannels: ['IN_APP', 'EMAIL', 'SMS'] },
      { orgId: 'acme', key: 'ops.page', priority: 'CRITICAL', critical: true, defaultChannels: ['IN_APP', 'EMAIL'] },
      { orgId: 'acme', key: 'ops.bare', defaultChannels: ['EMAIL'] },
      { orgId: 'globex', key: 'ops.alert', defaultChannels: ['IN_APP'] },
      { orgId: 'acme', key: 'notifications.test', defaultChannels: ['IN_APP'] },
    ],
  });
  const templates = [];
  for (const [orgId, typeKey] of [
    ['acme', 'ops.alert'],
    ['acme', 'ops.page'],
    ['globex', 'ops.alert'],
  ] as const) {
    templates.push(
      {
        orgId,
        typeKey,
        channel: 'IN_APP' as const,
        locale: 'en',
        version: 1,
        subject: '{{name}} is {{status}}',
        body: 'Alert {{name}}: {{status}}',
        variables: ALERT_VARIABLES,
      },
      {
        orgId,
        typeKey,
        channel: 'EMAIL' as const,
        locale: 'en',
        version: 1,
        subject: '[ops] {{name}} is {{status}}',
        body: 'The check {{name}} is {{status}}.',
        html: '<p>The check <b>{{name}}</b> is {{status}}.</p>',
        variables: ALERT_VARIABLES,
      },
    );
  }
  const digestVariables = {
    type: { type: 'string', required: true },
    count: { type: 'number', required: true },
    more: { type: 'number', required: true },
    items: { type: 'array', required: true },
    windowStart: { type: 'date', required: true },
    windowEnd: { type: 'date', required: true },
  };
  templates.push(
    {
      orgId: 'acme',
      typeKey: 'notifications.digest',
      channel: 'IN_APP' as const,
      locale: 'en',
      version: 1,
      subject: '{{count}} × {{type}}',
      body: '{{#each items}}{{title}};{{/each}}+{{more}}',
      variables: digestVariables,
    },
    {
      orgId: 'acme',
      typeKey: 'notifications.digest',
      channel: 'EMAIL' as const,
      locale: 'en',
      version: 1,
      subject: 'Digest: {{count}} × {{type}}',
      body: '{{#each items}}- {{title}}\n{{/each}}and {{more}} more',
      html: '<ul>{{#each items}}<li>{{title}}</li>{{/each}}</ul>',
      variables: digestVariables,
    },
  );
  const testVariables = { channel: { type: 'string', required: true }, requestedBy: { type: 'string', required: true } };
  templates.push({
    orgId: 'acme',
    typeKey: 'notifications.test',
    channel: 'IN_APP' as const,
    locale: 'en',
    version: 1,
    subject: 'Test on {{channel}}',
    body: 'Asked by {{requestedBy}}',
    variables: testVariables,
  });
  await prisma.notificationTemplate.createMany({ data: templates });
  const subscriber = (orgId: string, externalId: string, extra: object = {}) =>
    prisma.notificationSubscriber.create({ data: { orgId, externalId, timezone: 'Europe/Paris', ...extra } });
  const ann = await subscriber('acme', 'ann', { addresses: { create: { channel: 'EMAIL', address: 'ann@acme.test' } } });
  const bob = await subscriber('acme', 'bob', { preferences: { create: { typeKey: null, channel: 'EMAIL', enabled: false } } });
  const carol = await subscriber('acme', 'carol', {
    quietHoursStart: '22:00',
    quietHoursEnd: '07:00',
    addresses: { create: { channel: 'EMAIL', address: 'carol@acme.test' } },
  });
  const dave = await subscriber('acme', 'dave', {
    addresses: { create: { channel: 'EMAIL', address: 'dave@acme.test' } },
    digestSettings: { create: { typeKey: 'ops.alert', windowSeconds: 3600 } },
  });
  const gina = await subscriber('globex', 'gina', { addresses: { create: { channel: 'EMAIL', address: 'gina@globex.test' } } });
  const webhook = await prisma.notificationEndpoint.create({
    data: { orgId: 'acme', channel: 'WEBHOOK', name: 'ops hook', url: 'https://hooks.acme.test/n', typeKeys: ['ops.alert'] },
  });
  const globexWebhook = await prisma.notificationEndpoint.create({
    data: { orgId: 'globex', channel: 'WEBHOOK', name: 'globex hook', url: 'https://hooks.globex.test/n', typeKeys: [] },
  });
  return { ann: ann.id, bob: bob.id, carol: carol.id, dave: dave.id, gina: gina.id, webhook: webhook.id, globexWebhook: globexWebhook.id };
}

/** Rows of the notifications, deliveries and jobs tables (nothing written or queued means these do not move). */
export async function rowCounts(prisma: PrismaClient, queue: TableQueue) {
  return {
    notifications: await prisma.notification.count(),
    deliveries: await prisma.notificationDelivery.count(),
    digests: await prisma.notificationDigest.count(),
    jobs: (await queue.jobs()).length,
  };
}

/** What one test file's send tests work on: an in-memory PGlite with the migrations, a table queue, services on `clock`, the fixtures. */
export interface SendTestBed {
  db: Database;
  queue: TableQueue;
  services: NotificationsServices;
  f: SendFixtures;
}

/** Opens a {@link SendTestBed} (seconds: PGlite and the migrations); close it with `db.close()`. */
export async function openSendTestBed(clock: { now: Date }): Promise<SendTestBed> {
  const db = await openDatabase({ dataDir: 'memory://' });
  const queue = await createTableQueue(db.prisma);
  return { db, queue, services: testServices(db.prisma, queue, clock), f: await seedSendFixtures(db.prisma) };
}
