import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { GatewayTokens, type Principal } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { createConfigService, type ConfigService } from '../service';
import { subgraphClient } from '../test/subgraph-client';

// Watchers through the config subgraph's GraphQL API, on an in-memory PGlite, with our clock.
const log = pino({ level: 'silent' });
const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
const start = new Date('2026-12-01T00:00:00.000Z');
let clock = start;
let db: Database;
let bus: InProcessEventBus;
let config: ConfigService;

const operator: Principal = { subject: 'ops', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' };
const acme: Principal = { subject: 'ann@acme', org: 'acme', scopes: ['config:read'], method: 'api-key' };
const globex: Principal = { subject: 'gus@globex', org: 'globex', scopes: ['config:read'], method: 'api-key' };
const sealer: SecretSealer = {
  seal: () => Promise.reject(new Error('not in this test')),
  open: () => Promise.reject(new Error('not in this test')),
};

const { ok, code } = subgraphClient(() => config.app, tokens);
const seconds = (s: number) => new Date(start.getTime() + s * 1000);

const REGISTER = `mutation ($input: RegisterConfigWatcherInput!) { registerConfigWatcher(input: $input) {
  id name instance scope { path } prefix lastRevision ttlSeconds status registeredAt lastHeartbeatAt } }`;
const HEARTBEAT = `mutation ($id: ID!, $revision: ID) { heartbeatConfigWatcher(id: $id, revision: $revision) { id lastRevision status lastHeartbeatAt } }`;
const LIST = `query ($all: Boolean) { configWatchers(includeExpired: $all) { name status scope { path } } }`;
const UNREGISTER = `mutation ($id: ID!) { unregisterConfigWatcher(id: $id) }`;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  bus = new InProcessEventBus();
  config = await createConfigService({
    db,
    bus,
    logger: log,
    introspection: false,
    gatewayTokens: tokens,
    secrets: sealer,
    now: () => clock,
    compactionIntervalMs: 0,
    watcherPurgeIntervalMs: 0,
    watcherRetentionMs: 3_600_000,
  });
  // a change log up to revision 1 (heartbeats may not report beyond it)
  const entry = await db.prisma.configEntry.create({
    data: { orgId: 'acme', key: 'a', value: 1, version: 1, revision: 0n, updatedBy: 't' },
  });
  await db.prisma.configVersion.create({
    data: {
      entryId: entry.id,
      orgId: 'acme',
      environment: '',
      service: '',
      component: '',
      key: 'a',
      version: 1,
      operation: 'SET',
      kind: 'VALUE',
      hasValue: true,
      value: 1,
      author: 't',
    },
  });
});
afterAll(async () => {
  await config?.close();
  await bus?.close();
  await db?.close();
});

describe('config watchers', () => {
  let gatewayId: string;

  it('registers watchers of the caller’s organisation and refuses bad registrations', async () => {
    const registered = await ok(acme, REGISTER, {
      input: {
        name: 'gateway',
        instance: 'pod-1',
        scope: { environment: 'production', service: 'gateway' },
        prefix: 'rateLimit.',
        ttlSeconds: 30,
      },
    });
    gatewayId = registered.registerConfigWatcher.id;
    expect(registered.registerConfigWatcher).toEqual({
      id: gatewayId,
      name: 'gateway',
      instance: 'pod-1',
      scope: { path: 'org:acme/production/gateway' },
      prefix: 'rateLimit.',
      lastRevision: '0',
      ttlSeconds: 30,
      status: 'ACTIVE',
      registeredAt: '2026-12-01T00:00:00.000Z',
      lastHeartbeatAt: '2026-12-01T00:00:00.000Z',
    });
    await ok(acme, REGISTER, { input: { name: 'worker' } }); // default TTL 60 s
    await ok(globex, REGISTER, { input: { name: 'globex-app', ttlSeconds: 3600 } });
    await ok(operator, REGISTER, { input: { name: 'platform-agent', scope: { platform: true } } });
    expect(await code(acme, REGISTER, { input: { name: 'x', ttlSeconds: 5 } })).toBe('BAD_USER_INPUT');
    expect(await code(acme, REGISTER, { input: { name: ' ' } })).toBe('BAD_USER_INPUT');
    expect(await code(acme, REGISTER, { input: { name: 'x', scope: { platform: true } } })).toBe('FORBIDDEN');
    expect(await code(acme, REGISTER, { input: { name: 'x', scope: { service: 'gateway' } } })).toBe('CONFIG_SCOPE_INVALID');
    expect(await db.prisma.configWatcher.count()).toBe(4);
    const audit = await db.prisma.configAuditLog.findMany({ where: { action: 'WATCHER_REGISTER' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.orgId, a.actor, a.scope])).toEqual([
      ['acme', 'ann@acme', 'org:acme/production/gateway'],
      ['acme', 'ann@acme', 'org:acme'],
      ['globex', 'gus@globex', 'org:globex'],
      [null, 'ops', 'platform'],
    ]);
  });

  it('lists a watcher ACTIVE within its TTL of the last heartbeat and EXPIRED after, by the injected clock', async () => {
    expect((await ok(acme, LIST)).configWatchers).toEqual([
      { name: 'gateway', status: 'ACTIVE', scope: { path: 'org:acme/production/gateway' } },
      { name: 'worker', status: 'ACTIVE', scope: { path: 'org:acme' } },
    ]);
    clock = seconds(30); // exactly the TTL: still active
    expect((await ok(acme, LIST)).configWatchers.map((w: { name: string }) => w.name)).toEqual(['gateway', 'worker']);
    clock = seconds(31);
    expect((await ok(acme, LIST)).configWatchers.map((w: { name: string }) => w.name)).toEqual(['worker']);
    expect((await ok(acme, LIST, { all: true })).configWatchers.map((w: { name: string; status: string }) => [w.name, w.status])).toEqual([
      ['gateway', 'EXPIRED'],
      ['worker', 'ACTIVE'],
    ]);
    const beat = await ok(acme, HEARTBEAT, { id: gatewayId, revision: '1' });
    expect(beat.heartbeatConfigWatcher).toEqual({
      id: gatewayId,
      lastRevision: '1',
      status: 'ACTIVE',
      lastHeartbeatAt: '2026-12-01T00:00:31.000Z',
    });
    const again = await ok(acme, HEARTBEAT, { id: gatewayId }); // revision optional; never moves back
    expect(again.heartbeatConfigWatcher.lastRevision).toBe('1');
    clock = seconds(61);
    expect((await ok(acme, LIST)).configWatchers.map((w: { name: string }) => w.name)).toEqual(['gateway']);
    // the operator sees the platform's watchers and its own organisation's, no tenant's
    expect((await ok(operator, LIST, { all: true })).configWatchers.map((w: { name: string }) => w.name)).toEqual(['platform-agent']);
  });

  it('refuses heartbeats and removals of unknown or other organisations’ watchers, and future revisions', async () => {
    expect(await code(globex, HEARTBEAT, { id: gatewayId })).toBe('CONFIG_WATCHER_UNKNOWN');
    expect(await code(acme, HEARTBEAT, { id: '00000000-0000-4000-8000-000000000000' })).toBe('CONFIG_WATCHER_UNKNOWN');
    expect(await code(acme, HEARTBEAT, { id: 'not-a-uuid' })).toBe('CONFIG_WATCHER_UNKNOWN');
    expect(await code(acme, HEARTBEAT, { id: gatewayId, revision: '2' })).toBe('CONFIG_REVISION_FUTURE');
    expect(await code(globex, HEARTBEAT, { id: gatewayId, revision: '2' })).toBe('CONFIG_WATCHER_UNKNOWN');
    expect(await code(globex, UNREGISTER, { id: gatewayId })).toBe('CONFIG_WATCHER_UNKNOWN');
    expect(await db.prisma.configWatcher.count({ where: { id: gatewayId } })).toBe(1);
    expect((await ok(acme, UNREGISTER, { id: gatewayId })).unregisterConfigWatcher).toBe(true);
    expect(await code(acme, UNREGISTER, { id: gatewayId })).toBe('CONFIG_WATCHER_UNKNOWN');
    expect(await db.prisma.configAuditLog.count({ where: { action: 'WATCHER_UNREGISTER' } })).toBe(1);
  });

  it('purges the watchers expired for longer than the retention', async () => {
    // worker: heartbeat 0 + 60 s TTL; platform-agent likewise; globex-app: 3600 s TTL
    clock = seconds(60 + 3600); // worker expired exactly one retention ago: kept
    expect(await config.purgeWatchers()).toBe(0);
    clock = seconds(60 + 3600 + 1);
    expect(await config.purgeWatchers()).toBe(2);
    expect((await db.prisma.configWatcher.findMany()).map((w) => w.name)).toEqual(['globex-app']);
    clock = seconds(3600 + 3600 + 1);
    expect(await config.purgeWatchers()).toBe(1);
    expect(await db.prisma.configWatcher.count()).toBe(0);
  });
});
