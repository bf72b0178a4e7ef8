import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { decideChannels } from '../preferences/decide';
import { ensureSubscriber } from '../subscribers/subscribers';
import { findTemplate } from '../templates/lookup';
import { renderNotification } from '../templates/render';
import { variablesToJson, declare } from '../templates/variables';
import { PLATFORM_TYPES } from './platform';
import { seedPlatformTypes } from './seed';
import { PLATFORM_TYPE_KEYS, findType, listTypes, requireType } from './types';

// Seeding, template lookup with its fallbacks, types as organisations see them, subscribers and
// channel decisions on an in-memory PGlite.
let db: Database;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
}, 120_000);
afterAll(async () => {
  await db?.close();
});

describe('seedPlatformTypes', () => {
  it('seeds every platform type and template once, even when run concurrently and again', async () => {
    await Promise.all([seedPlatformTypes(db.prisma), seedPlatformTypes(db.prisma)]);
    await seedPlatformTypes(db.prisma);
    const types = await db.prisma.notificationType.findMany({ where: { orgId: null }, orderBy: { key: 'asc' } });
    expect(types.map((t) => t.key)).toEqual([...PLATFORM_TYPE_KEYS].sort());
    expect(types.find((t) => t.key === 'billing.payment.failed')).toMatchObject({
      priority: 'CRITICAL',
      critical: true,
      defaultChannels: ['EMAIL', 'IN_APP'],
      fallbackChannel: 'SMS',
    });
    const templates = await db.prisma.notificationTemplate.count({ where: { orgId: null } });
    expect(templates).toBe(PLATFORM_TYPES.reduce((n, t) => n + t.templates.length, 0));
    expect(templates).toBe(11 * 2 + 2);
  }, 120_000);
});

describe('findTemplate', () => {
  const q = { orgId: 'acme', typeKey: 'billing.invoice.finalized' };

  it('falls back locale fr-CA → fr → en, channel → IN_APP, and prefers the organisation’s highest version', async () => {
    expect(await findTemplate(db.prisma, { ...q, channel: 'EMAIL', locale: 'fr-CA' })).toMatchObject({
      orgId: null,
      locale: 'fr',
      channel: 'EMAIL',
    });
    expect(await findTemplate(db.prisma, { ...q, channel: 'EMAIL', locale: 'de-AT' })).toMatchObject({
      orgId: null,
      locale: 'en',
      channel: 'EMAIL',
    });
    expect(await findTemplate(db.prisma, { ...q, channel: 'SMS', locale: 'fr' })).toMatchObject({
      orgId: null,
      locale: 'fr',
      channel: 'IN_APP',
    });
    const mine = {
      orgId: 'acme',
      typeKey: q.typeKey,
      channel: 'EMAIL' as const,
      locale: 'en',
      subject: 'x',
      body: 'mine {{total}}',
      variables: variablesToJson(declare({ total: 'STRING' })),
    };
    await db.prisma.notificationTemplate.createMany({
      data: [
        { ...mine, version: 1 },
        { ...mine, version: 2, body: 'mine v2 {{total}}' },
      ],
    });
    expect(await findTemplate(db.prisma, { ...q, channel: 'EMAIL', locale: 'en-GB' })).toMatchObject({
      orgId: 'acme',
      version: 2,
      body: 'mine v2 {{total}}',
    });
    // another organisation still gets the platform's
    expect(await findTemplate(db.prisma, { ...q, orgId: 'globex', channel: 'EMAIL', locale: 'en' })).toMatchObject({
      orgId: null,
      version: 1,
    });
    expect(await findTemplate(db.prisma, { ...q, typeKey: 'no.such', channel: 'EMAIL', locale: 'en' })).toBeNull();
  }, 120_000);

  it('renderNotification renders the template found, or NOTIFICATION_TEMPLATE_UNKNOWN', async () => {
    const rendered = await renderNotification(db.prisma, {
      orgId: 'globex',
      typeKey: 'notifications.test',
      channel: 'PUSH',
      locale: 'en',
      variables: { channel: 'PUSH', requestedBy: 'ann' },
    });
    expect(rendered).toEqual({
      subject: 'DictaMesh test notification (PUSH)',
      text: 'This is a test notification on PUSH, requested by ann. It works.\n',
      html: null,
      templateVersion: 1,
      locale: 'en',
    });
    await expect(
      renderNotification(db.prisma, { orgId: 'globex', typeKey: 'no.such', channel: 'EMAIL', locale: 'en', variables: {} }),
    ).rejects.toMatchObject({
      code: 'NOTIFICATION_TEMPLATE_UNKNOWN',
    });
  }, 120_000);
});

describe('types and subscribers', () => {
  it('an organisation’s type overrides the platform’s of the same key for it only', async () => {
    await db.prisma.notificationType.create({
      data: { orgId: 'acme', key: 'dlq.dead_letter', priority: 'LOW', defaultChannels: ['IN_APP'] },
    });
    await db.prisma.notificationType.create({ data: { orgId: 'acme', key: 'acme.custom', defaultChannels: ['EMAIL'] } });
    expect(await findType(db.prisma, 'acme', 'dlq.dead_letter')).toMatchObject({ orgId: 'acme', priority: 'LOW' });
    expect(await findType(db.prisma, 'globex', 'dlq.dead_letter')).toMatchObject({ orgId: null, priority: 'NORMAL' });
    expect(await findType(db.prisma, 'globex', 'acme.custom')).toBeNull();
    await expect(requireType(db.prisma, 'globex', 'acme.custom')).rejects.toMatchObject({ code: 'NOTIFICATION_TYPE_UNKNOWN' });
    const acme = await listTypes(db.prisma, 'acme');
    expect(acme).toHaveLength(12);
    expect(acme.filter((t) => t.key === 'dlq.dead_letter').map((t) => t.orgId)).toEqual(['acme']);
  }, 120_000);

  it('ensureSubscriber creates once per (org, externalId), concurrently too; decideChannels reads its rows', async () => {
    const [a, b] = await Promise.all([ensureSubscriber(db.prisma, 'acme', 'user-1'), ensureSubscriber(db.prisma, 'acme', 'user-1')]);
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ locale: 'en', timezone: 'UTC', quietHoursStart: null });
    const other = await ensureSubscriber(db.prisma, 'globex', 'user-1');
    expect(other.id).not.toBe(a.id);
    await db.prisma.notificationSubscriber.update({ where: { id: a.id }, data: { quietHoursStart: '00:00', quietHoursEnd: '06:00' } });
    await db.prisma.notificationSubscriberAddress.create({ data: { subscriberId: a.id, channel: 'EMAIL', address: 'ann@acme.test' } });
    await db.prisma.notificationPreference.create({
      data: { subscriberId: a.id, typeKey: 'adapter.unhealthy', channel: 'IN_APP', enabled: false },
    });
    await db.prisma.notificationDigestSetting.create({ data: { subscriberId: a.id, typeKey: 'adapter.unhealthy', windowSeconds: 600 } });
    const type = (await findType(db.prisma, 'acme', 'adapter.unhealthy'))!;
    expect(
      await decideChannels(db.prisma, {
        subscriberId: a.id,
        type,
        channels: ['EMAIL', 'IN_APP', 'SMS'],
        now: new Date('2026-12-01T05:00:00Z'),
      }),
    ).toEqual([
      {
        channel: 'EMAIL',
        action: 'SEND',
        addresses: ['ann@acme.test'],
        notBefore: new Date('2026-12-01T06:00:00Z'),
        digestWindowSeconds: 600,
      },
      { channel: 'IN_APP', action: 'SUPPRESS', reason: 'MUTED', addresses: [] },
      { channel: 'SMS', action: 'SUPPRESS', reason: 'NO_ADDRESS', addresses: [] },
    ]);
    await expect(
      decideChannels(db.prisma, { subscriberId: '00000000-0000-4000-8000-000000000000', type, channels: ['EMAIL'], now: new Date() }),
    ).rejects.toMatchObject({ code: 'NOTIFICATION_SUBSCRIBER_UNKNOWN' });
  }, 120_000);
});
