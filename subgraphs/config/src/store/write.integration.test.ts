import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import type { ConfigServices } from '../context';
import { resolveConfig } from '../resolve/resolve';
import { pathOf } from '../scopes/scope';
import { currentRevision } from './revision';
import { writeConfig, type WriteActor } from './write';

// The write path and resolution on an in-memory PGlite, secrets sealed by the real key ring.
let db: Database;
let services: ConfigServices;
let published = 0;
const actor: WriteActor = { subject: 'ann@acme', method: 'jwt', requestId: 'req-1', ip: '203.0.113.7', userAgent: 'vitest' };
const platform: ConfigScopeRef = { orgId: null, environment: '', service: '', component: '' };
const acme: ConfigScopeRef = { orgId: 'acme', environment: '', service: '', component: '' };
const acmeProd: ConfigScopeRef = { ...acme, environment: 'production' };
const acmeGateway: ConfigScopeRef = { ...acmeProd, service: 'gateway' };
const acmeEdge: ConfigScopeRef = { ...acmeGateway, component: 'edge' };

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  services = {
    prisma: db.prisma,
    now: () => new Date('2026-12-01T00:00:00.000Z'),
    secrets: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
    publishChanges: () => void published++,
    log: pino({ level: 'silent' }),
  };
});
afterAll(async () => {
  await db?.close();
});

describe('config writes', () => {
  it('resolves through platform → org → env → service → component with provenance and overrides', async () => {
    await writeConfig(services, actor, { scope: platform, key: 'rateLimit.requests', operation: 'SET', value: 100 });
    await writeConfig(services, actor, { scope: acme, key: 'rateLimit.requests', operation: 'SET', value: 200 });
    await writeConfig(services, actor, { scope: acmeProd, key: 'rateLimit.requests', operation: 'SET', value: 300 });
    await writeConfig(services, actor, { scope: acmeGateway, key: 'rateLimit.requests', operation: 'SET', value: 400 });
    await writeConfig(services, actor, { scope: acmeEdge, key: 'rateLimit.requests', operation: 'SET', value: 500 });
    await writeConfig(services, actor, { scope: platform, key: 'other', operation: 'SET', value: { a: 1 } });
    expect(published).toBe(6);
    expect(await currentRevision(db.prisma)).toBe(6n);
    const atGateway = await resolveConfig(db.prisma, acmeGateway);
    expect(atGateway.revision).toBe(6n);
    expect(
      atGateway.values.map((v) => [v.key, v.entry.value, pathOf(v.source), v.entry.revision, v.overrides.map((o) => [pathOf(o), o.value])]),
    ).toEqual([
      ['other', { a: 1 }, 'platform', 6n, []],
      [
        'rateLimit.requests',
        400,
        'org:acme/production/gateway',
        4n,
        [
          ['org:acme/production', 300],
          ['org:acme', 200],
          ['platform', 100],
        ],
      ],
    ]);
    const atEdge = await resolveConfig(db.prisma, acmeEdge, { prefix: 'rateLimit.' });
    expect(atEdge.values.map((v) => [v.key, v.entry.value, pathOf(v.source), v.overrides.length])).toEqual([
      ['rateLimit.requests', 500, 'org:acme/production/gateway/edge', 4],
    ]);
    const globex = await resolveConfig(db.prisma, { orgId: 'globex', environment: 'production', service: '', component: '' });
    expect(globex.values.map((v) => [v.key, v.entry.value])).toEqual([
      ['other', { a: 1 }],
      ['rateLimit.requests', 100],
    ]);
  });

  it('compare-and-set refuses a stale version with the current one, writing nothing', async () => {
    await expect(
      writeConfig(services, actor, { scope: acme, key: 'rateLimit.requests', operation: 'SET', value: 1, expectedVersion: 3 }),
    ).rejects.toMatchObject({ code: 'CONFIG_VERSION_CONFLICT', details: { currentVersion: 1 } });
    await expect(
      writeConfig(services, actor, { scope: acme, key: 'rateLimit.requests', operation: 'SET', value: 1, expectedVersion: 0 }),
    ).rejects.toMatchObject({ code: 'CONFIG_VERSION_CONFLICT', details: { currentVersion: 1 } });
    expect(await currentRevision(db.prisma)).toBe(6n);
    const row = await writeConfig(services, actor, {
      scope: acme,
      key: 'rateLimit.requests',
      operation: 'SET',
      value: 201,
      expectedVersion: 1,
    });
    expect([row.version, row.revision, row.value]).toEqual([2, 7n, 201]);
    const fresh = await writeConfig(services, actor, { scope: acme, key: 'fresh', operation: 'SET', value: true, expectedVersion: 0 });
    expect(fresh.version).toBe(1);
  });

  it('deletes by clearing the value: versions continue, less specific values show through', async () => {
    const deleted = await writeConfig(services, actor, {
      scope: acmeEdge,
      key: 'rateLimit.requests',
      operation: 'DELETE',
      reason: 'cleanup',
    });
    expect([deleted.version, deleted.hasValue, deleted.value]).toEqual([2, false, null]);
    const atEdge = await resolveConfig(db.prisma, acmeEdge, { prefix: 'rateLimit.' });
    expect(atEdge.values.map((v) => [v.entry.value, pathOf(v.source)])).toEqual([[400, 'org:acme/production/gateway']]);
    await expect(writeConfig(services, actor, { scope: acmeEdge, key: 'rateLimit.requests', operation: 'DELETE' })).rejects.toMatchObject({
      code: 'CONFIG_KEY_UNKNOWN',
    });
    const again = await writeConfig(services, actor, { scope: acmeEdge, key: 'rateLimit.requests', operation: 'SET', value: 501 });
    expect(again.version).toBe(3);
    const versions = await db.prisma.configVersion.findMany({ where: { entryId: again.id }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, v.operation, v.hasValue, v.value, v.reason, v.author, v.requestId, v.publishedAt])).toEqual([
      [1, 'SET', true, 500, null, 'ann@acme', 'req-1', null],
      [2, 'DELETE', false, null, 'cleanup', 'ann@acme', 'req-1', null],
      [3, 'SET', true, 501, null, 'ann@acme', 'req-1', null],
    ]);
  });

  it('validates values against the nearest schema on the chain, listing every violation by pointer', async () => {
    const schema = {
      type: 'object',
      required: ['host', 'port'],
      properties: {
        host: { type: 'string', format: 'hostname' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        tls: { type: 'boolean' },
      },
      additionalProperties: false,
    };
    await writeConfig(services, actor, { scope: acme, key: 'db', operation: 'SCHEMA', jsonSchema: schema });
    const error = await writeConfig(services, actor, {
      scope: acmeGateway,
      key: 'db',
      operation: 'SET',
      value: { port: 70000, tls: 'yes', extra: 1 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_VALIDATION_FAILED' });
    const violations = (error as { details: { violations: { pointer: string; keyword: string }[] } }).details.violations;
    expect(violations.map((v) => [v.pointer, v.keyword]).sort()).toEqual(
      [
        ['/extra', 'additionalProperties'],
        ['/host', 'required'],
        ['/port', 'maximum'],
        ['/tls', 'type'],
      ].sort(),
    );
    const ok = await writeConfig(services, actor, {
      scope: acmeGateway,
      key: 'db',
      operation: 'SET',
      value: { host: 'db.acme', port: 5432 },
    });
    expect(ok.version).toBe(1);
  });

  it('refuses an invalid schema and a schema change the current values break, naming the scopes', async () => {
    await expect(
      writeConfig(services, actor, { scope: acme, key: 'db', operation: 'SCHEMA', jsonSchema: { type: 'strng' } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_SCHEMA_INVALID',
    });
    await expect(
      writeConfig(services, actor, { scope: acme, key: 'db', operation: 'SCHEMA', jsonSchema: { minimun: 1 } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_SCHEMA_INVALID',
    });
    await expect(
      writeConfig(services, actor, {
        scope: acme,
        key: 'db',
        operation: 'SCHEMA',
        jsonSchema: { type: 'object', properties: { port: { maximum: 1000 } } },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_SCHEMA_CONFLICT', details: { scopes: ['org:acme/production/gateway'] } });
    await expect(
      writeConfig(services, actor, {
        scope: platform,
        key: 'rateLimit.requests',
        operation: 'SCHEMA',
        jsonSchema: { type: 'integer', maximum: 450 },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_SCHEMA_CONFLICT', details: { scopes: ['org:acme/production/gateway/edge'] } });
  });

  it('seals secrets: validated first, no plaintext in the value column', async () => {
    await writeConfig(services, actor, {
      scope: acme,
      key: 'api.token',
      operation: 'SCHEMA',
      jsonSchema: { type: 'string', minLength: 10 },
    });
    await expect(
      writeConfig(services, actor, { scope: acme, key: 'api.token', operation: 'SET', kind: 'SECRET', value: 'short' }),
    ).rejects.toMatchObject({ code: 'CONFIG_VALIDATION_FAILED' });
    const row = await writeConfig(services, actor, {
      scope: acme,
      key: 'api.token',
      operation: 'SET',
      kind: 'SECRET',
      value: 's3cr3t-plaintext',
    });
    expect([row.kind, row.value, row.keyId]).toEqual(['SECRET', null, expect.stringMatching(/^kek-/)]);
    // kind kept
    const next = await writeConfig(services, actor, { scope: acme, key: 'api.token', operation: 'SET', value: 's3cr3t-plaintext-2' });
    expect([next.kind, next.value]).toEqual(['SECRET', null]);
    const raw = await db.prisma.$queryRaw<{ text: string }[]>`
      SELECT row_to_json(c)::text AS text FROM dictamesh_configurations c UNION ALL
      SELECT row_to_json(v)::text FROM dictamesh_config_versions v UNION ALL
      SELECT row_to_json(a)::text FROM dictamesh_config_audit_logs a`;
    expect(raw.length).toBeGreaterThan(10);
    for (const { text } of raw) expect(text).not.toContain('s3cr3t');
  });

  it('rolls back to an earlier version as a new version, refusing unknown versions', async () => {
    const entry = await writeConfig(services, actor, {
      scope: acme,
      key: 'rateLimit.requests',
      operation: 'ROLLBACK',
      rollbackTo: 1,
      reason: 'undo',
    });
    expect([entry.version, entry.value]).toEqual([3, 200]);
    const version = await db.prisma.configVersion.findFirst({ where: { entryId: entry.id, version: 3 } });
    expect([version?.operation, version?.rollbackOf, version?.reason]).toEqual(['ROLLBACK', 1, 'undo']);
    await expect(
      writeConfig(services, actor, { scope: acme, key: 'rateLimit.requests', operation: 'ROLLBACK', rollbackTo: 9 }),
    ).rejects.toMatchObject({ code: 'CONFIG_VERSION_UNKNOWN' });
    const secret = await writeConfig(services, actor, { scope: acme, key: 'api.token', operation: 'ROLLBACK', rollbackTo: 2 });
    expect([secret.version, secret.kind, secret.value, secret.keyId]).toEqual([4, 'SECRET', null, expect.stringMatching(/^kek-/)]);
  });
});
