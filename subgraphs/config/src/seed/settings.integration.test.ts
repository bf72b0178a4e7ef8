import { randomBytes } from 'node:crypto';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DICTAMESH_SETTINGS } from '@dictamesh/config-client';
import { openDatabase, type Database } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';
import type { ConfigServices } from '../context';
import { writeConfig, type WriteActor } from '../store/write';
import { seedSettingSchemas, SETTINGS_SCOPE } from './settings';

// The schemas of DictaMesh's own settings, seeded by the config service at start (PGlite in memory).
let db: Database;
let services: ConfigServices;
const operator: WriteActor = { subject: 'ops', method: 'jwt', requestId: null, ip: null, userAgent: null };
const prodGateway: ConfigScopeRef = { orgId: null, environment: 'production', service: 'gateway', component: '' };

beforeEach(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  services = {
    prisma: db.prisma,
    now: () => new Date('2026-12-01T00:00:00.000Z'),
    secrets: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
    publishChanges: () => {},
    log: pino({ level: 'silent' }),
  };
});
afterEach(async () => {
  await db?.close();
});

const platformEntries = () =>
  db.prisma.configEntry.findMany({ where: { orgId: null, environment: '', service: '', component: '' }, orderBy: { key: 'asc' } });

describe('seeding DictaMesh setting schemas', () => {
  it('writes each schema once at the platform scope as SCHEMA versions by dictamesh, and never again', async () => {
    const first = await seedSettingSchemas(services, DICTAMESH_SETTINGS);
    expect(first).toEqual({ seeded: DICTAMESH_SETTINGS.map((s) => s.key), kept: [], failed: [] });
    const entries = await platformEntries();
    expect(entries).toHaveLength(16);
    const requests = entries.find((e) => e.key === 'rateLimit.requests')!;
    expect(requests).toMatchObject({
      jsonSchema: { type: 'integer', minimum: 1 },
      hasValue: false,
      version: 1,
      updatedBy: 'dictamesh',
      description: 'gateway: Requests per window of one client (API key, user, or IP when anonymous).',
    });
    const versions = await db.prisma.configVersion.findMany({ where: { key: 'rateLimit.requests' } });
    expect(versions.map((v) => [v.operation, v.author, v.reason])).toEqual([
      ['SCHEMA', 'dictamesh', 'DictaMesh setting schema, seeded at start'],
    ]);

    const again = await seedSettingSchemas(services, DICTAMESH_SETTINGS);
    expect(again).toEqual({ seeded: [], kept: DICTAMESH_SETTINGS.map((s) => s.key), failed: [] });
    expect(await db.prisma.configVersion.count()).toBe(16);

    // the seeded schema governs the services' values below it
    await expect(
      writeConfig(services, operator, { scope: prodGateway, key: 'rateLimit.requests', operation: 'SET', value: 0 }),
    ).rejects.toMatchObject({ code: 'CONFIG_VALIDATION_FAILED' });
    await writeConfig(services, operator, { scope: prodGateway, key: 'rateLimit.requests', operation: 'SET', value: 5 });
  });

  it("keeps an operator's schema and description, and starts despite a value the schema would refuse", async () => {
    await writeConfig(services, operator, {
      scope: SETTINGS_SCOPE,
      key: 'demandControl.maxDepth',
      operation: 'SCHEMA',
      jsonSchema: { type: 'integer', maximum: 20 },
    });
    await writeConfig(services, operator, {
      scope: SETTINGS_SCOPE,
      key: 'rateLimit.requests',
      operation: 'SET',
      value: -3,
      description: 'mine',
    });
    const settings = DICTAMESH_SETTINGS.filter((s) => ['demandControl.maxDepth', 'rateLimit.requests', 'sync.intervalMs'].includes(s.key));
    expect(await seedSettingSchemas(services, settings)).toEqual({
      seeded: ['sync.intervalMs'],
      kept: ['demandControl.maxDepth'],
      failed: ['rateLimit.requests'],
    });
    const byKey = new Map((await platformEntries()).map((e) => [e.key, e]));
    expect(byKey.get('demandControl.maxDepth')?.jsonSchema).toEqual({ type: 'integer', maximum: 20 });
    expect(byKey.get('rateLimit.requests')).toMatchObject({ jsonSchema: null, value: -3, description: 'mine' });
  });
});
