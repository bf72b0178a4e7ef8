import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Prisma } from '@dictamesh/db';
import { InProcessEventBus, TOPICS, type BusRecord, type ConfigChanged, type EventBus } from '@dictamesh/events';
import { GatewayTokens, type Principal } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { createConfigService, type ConfigService } from '../service';
import { subgraphClient } from '../test/subgraph-client';

// The config subgraph over HTTP as the gateway calls it, on an in-memory PGlite and the
// in-process bus behind a switch that fails publishing on demand. Versions are written directly
// (the store's writeConfig writes the same rows); the relay, history and compaction are under test.
const log = pino({ level: 'silent' });
const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
const clock = new Date('2026-12-01T00:00:00.000Z');
let db: Database;
let inner: InProcessEventBus;
let busDown = false;
/** The bus takes the records but the acknowledgement is lost (the relay sees a failure). */
let ackLost = false;
let config: ConfigService;
const events: BusRecord[] = [];

const operator: Principal = { subject: 'ops', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' };
const acme: Principal = { subject: 'ann@acme', org: 'acme', scopes: ['config:read', 'config:write'], method: 'api-key' };
const globex: Principal = { subject: 'gus@globex', org: 'globex', scopes: ['config:read'], method: 'api-key' };

/** Never called here: no secret is sealed by these tests (secret versions are written as rows). */
const sealer: SecretSealer = {
  seal: () => Promise.reject(new Error('not in this test')),
  open: () => Promise.reject(new Error('not in this test')),
};

const { ok, failure } = subgraphClient(() => config.app, tokens);

interface Write {
  orgId: string | null;
  key: string;
  value?: unknown;
  kind?: 'VALUE' | 'SECRET' | 'FLAG';
  operation?: 'SET' | 'DELETE';
  environment?: string;
  service?: string;
}

/** Writes an entry and its next version as the store does (one transaction), without publishing. */
async function write(w: Write): Promise<bigint> {
  const scope = { orgId: w.orgId, environment: w.environment ?? '', service: w.service ?? '', component: '' };
  const kind = w.kind ?? 'VALUE';
  const operation = w.operation ?? 'SET';
  const hasValue = operation !== 'DELETE';
  const secret = kind === 'SECRET';
  const value = (hasValue && !secret ? w.value : undefined) as Prisma.InputJsonValue | undefined;
  const sealed = secret ? { ciphertext: Buffer.from('sealed'), wrappedKey: Buffer.from('wrapped'), keyId: 'kek-1' } : {};
  return db.prisma.$transaction(async (tx) => {
    const existing = await tx.configEntry.findFirst({ where: { ...scope, key: w.key } });
    const version = (existing?.version ?? 0) + 1;
    const entry =
      existing ??
      (await tx.configEntry.create({
        data: { ...scope, key: w.key, kind, version, revision: 0n, hasValue, updatedBy: 'test', ...(value === undefined ? {} : { value }) },
      }));
    const row = await tx.configVersion.create({
      data: {
        entryId: entry.id,
        ...scope,
        key: w.key,
        version,
        operation,
        kind,
        hasValue,
        author: 'test',
        reason: 'because',
        ...sealed,
        ...(value === undefined ? {} : { value }),
      },
    });
    await tx.configEntry.update({
      where: { id: entry.id },
      data: { version, revision: row.revision, hasValue, ...(value === undefined ? {} : { value }) },
    });
    return row.revision;
  });
}

const published = () => events.map((e) => e.event.data as ConfigChanged);

/** Waits (bounded) until the relay has published `count` change events. */
async function waitPublished(count: number) {
  for (let i = 0; i < 200 && events.length < count; i++) {
    await config.relay.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return published();
}

const CHANGES = `query ($scope: ConfigScopeInput, $prefix: String, $after: ID, $first: Int) {
  configChanges(scope: $scope, prefix: $prefix, afterRevision: $after, first: $first) {
    changes { revision type key scope { path } version kind value redacted hasValue author reason }
    hasMore compacted revision } }`;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  inner = new InProcessEventBus({ partitions: 1 }); // one partition: the test sees the publish order
  const bus: EventBus = {
    publish: async (topic, records) => {
      if (busDown) throw new Error('bus down');
      const metadata = await inner.publish(topic, records);
      if (ackLost) throw new Error('acknowledgement lost');
      return metadata;
    },
    subscribe: (options) => inner.subscribe(options),
    seek: (...args) => inner.seek(...args),
    lag: (group) => inner.lag(group),
    committed: (group, topic) => inner.committed(group, topic),
    close: () => inner.close(),
  };
  await inner.subscribe({
    groupId: 'test-config-events',
    topics: [TOPICS.configChanged],
    fromBeginning: true,
    eachBatch: async (records) => void events.push(...records),
  });
  config = await createConfigService({
    db,
    bus,
    logger: log,
    introspection: false,
    gatewayTokens: tokens,
    secrets: sealer,
    now: () => clock,
    historyKeepVersions: 3,
    compactionIntervalMs: 0,
    relayIntervalMs: 60_000,
    watcherPurgeIntervalMs: 0,
  });
});
afterAll(async () => {
  await config?.close();
  await inner?.close();
  await db?.close();
});

describe('config change log', () => {
  it('publishes every version once, in revision order, keyed by organisation, secrets redacted', async () => {
    const revisions = [
      await write({ orgId: 'acme', key: 'rateLimit.requests', value: 100 }),
      await write({ orgId: null, key: 'rateLimit.requests', value: 50 }),
      await write({ orgId: 'globex', key: 'mail.password', kind: 'SECRET', value: 'hunter2' }),
      await write({ orgId: 'acme', key: 'rateLimit.requests', value: 120 }),
    ];
    expect(revisions).toEqual([1n, 2n, 3n, 4n]);
    await Promise.all([config.relay.flush(), config.relay.flush()]);
    const changes = await waitPublished(4);
    expect(changes.map((c) => [c.revision, c.key, c.scope.orgId, c.version, c.value, c.redacted])).toEqual([
      ['1', 'rateLimit.requests', 'acme', 1, 100, false],
      ['2', 'rateLimit.requests', null, 1, 50, false],
      ['3', 'mail.password', 'globex', 1, null, true],
      ['4', 'rateLimit.requests', 'acme', 2, 120, false],
    ]);
    expect(events.map((e) => [e.key, e.event.id, e.event.type])).toEqual([
      ['acme', 'config-rev-1', TOPICS.configChanged],
      ['platform', 'config-rev-2', TOPICS.configChanged],
      ['globex', 'config-rev-3', TOPICS.configChanged],
      ['acme', 'config-rev-4', TOPICS.configChanged],
    ]);
    expect(JSON.stringify(events.map((e) => e.event))).not.toContain('hunter2');
    expect(await config.relay.flush()).toBe(0); // each version once
    expect(await db.prisma.configVersion.count({ where: { publishedAt: null } })).toBe(0);
    expect(events).toHaveLength(4);
  });

  it('keeps the versions through a bus outage and publishes them in order once it is back', async () => {
    busDown = true;
    const revisions = [
      await write({ orgId: 'acme', key: 'feature.a', value: true }),
      await write({ orgId: 'acme', key: 'feature.b', value: 'x' }),
    ];
    expect(await config.relay.flush()).toBe(0);
    expect(await db.prisma.configVersion.count({ where: { publishedAt: null } })).toBe(2);
    busDown = false;
    config.services.publishChanges(); // what the store calls after a commit
    const changes = await waitPublished(6);
    expect(changes.slice(4).map((c) => c.revision)).toEqual(revisions.map(String));
    expect(changes.map((c) => c.revision)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('publishes again when the bus took a batch but its acknowledgement was lost (at least once, same event id)', async () => {
    ackLost = true;
    const revision = await write({ orgId: 'globex', key: 'feature.c', value: 1 });
    expect(await config.relay.flush()).toBe(0);
    expect(await db.prisma.configVersion.count({ where: { publishedAt: null } })).toBe(1);
    ackLost = false;
    const changes = await waitPublished(8);
    expect(changes.slice(6).map((c) => c.revision)).toEqual([String(revision), String(revision)]);
    expect(events.slice(6).map((e) => e.event.id)).toEqual([`config-rev-${revision}`, `config-rev-${revision}`]);
    expect(await config.relay.flush()).toBe(0);
  });

  it('answers the history of a watch: its organisation and the platform, oldest first, paged, secrets redacted', async () => {
    const all = await ok(acme, CHANGES, { after: '0' });
    expect(all.configChanges.changes.map((c: { revision: string }) => c.revision)).toEqual(['1', '2', '4', '5', '6']);
    expect(all.configChanges).toMatchObject({ hasMore: false, compacted: false, revision: '7' });
    expect(all.configChanges.changes[1]).toEqual({
      revision: '2',
      type: 'SET',
      key: 'rateLimit.requests',
      scope: { path: 'platform' },
      version: 1,
      kind: 'VALUE',
      value: 50,
      redacted: false,
      hasValue: true,
      author: 'test',
      reason: 'because',
    });
    const paged = await ok(acme, CHANGES, { after: '1', first: 2 });
    expect(paged.configChanges.changes.map((c: { revision: string }) => c.revision)).toEqual(['2', '4']);
    expect(paged.configChanges.hasMore).toBe(true);
    const prefixed = await ok(acme, CHANGES, { after: '0', prefix: 'feature.' });
    expect(prefixed.configChanges.changes.map((c: { key: string }) => c.key)).toEqual(['feature.a', 'feature.b']);
    const secrets = await ok(globex, CHANGES, { after: '0' });
    expect(
      secrets.configChanges.changes.map((c: { revision: string; value: unknown; redacted: boolean }) => [c.revision, c.value, c.redacted]),
    ).toEqual([
      ['2', 50, false],
      ['3', null, true],
      ['7', 1, false],
    ]);
    const platform = await ok(operator, CHANGES, { scope: { platform: true }, after: '0' });
    expect(platform.configChanges.changes.map((c: { revision: string }) => c.revision)).toEqual(['2']);
    expect((await failure(acme, CHANGES, { scope: { platform: true }, after: '0' })).extensions?.code).toBe('FORBIDDEN');
    const current = await ok(acme, CHANGES, {});
    expect(current.configChanges).toEqual({ changes: [], hasMore: false, compacted: false, revision: '7' });
  });

  it('narrows a watch to an environment and service, with the less specific scopes it inherits from', async () => {
    const prod = await write({ orgId: 'acme', key: 'db.pool', value: 5, environment: 'production' });
    const prodGateway = await write({ orgId: 'acme', key: 'db.pool', value: 7, environment: 'production', service: 'gateway' });
    await write({ orgId: 'acme', key: 'db.pool', value: 9, environment: 'staging' });
    const watched = await ok(acme, CHANGES, { scope: { environment: 'production', service: 'gateway' }, after: '7' });
    expect(watched.configChanges.changes.map((c: { revision: string }) => c.revision)).toEqual([String(prod), String(prodGateway)]);
  });

  it('refuses to resume from a revision ahead of the log, and bad arguments', async () => {
    const error = await failure(acme, CHANGES, { after: '1000' });
    expect(error.extensions?.code).toBe('CONFIG_REVISION_FUTURE');
    expect(error.extensions).toMatchObject({ afterRevision: '1000', currentRevision: '10' });
    expect((await failure(acme, CHANGES, { after: '-1' })).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await failure(acme, CHANGES, { after: '0', first: 1001 })).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('compacts all but the newest versions of each entry, and tells a watcher from before it to re-read', async () => {
    for (const value of [130, 140, 150]) await write({ orgId: 'acme', key: 'rateLimit.requests', value });
    await waitPublished(13);
    // an unpublished version is never compacted: the relay has not sent it yet
    busDown = true;
    const unpublished = await write({ orgId: 'acme', key: 'rateLimit.requests', value: 160 });
    const result = await config.compactHistory();
    // acme's rateLimit.requests has versions 1..6 at revisions 1, 4, 11, 12, 13, 14 (14 unpublished):
    // keeping 3 deletes 1, 4, 11; every other entry has at most 3 versions
    expect(unpublished).toBe(14n);
    expect(result).toEqual({ deleted: 3, compactedRevision: 11n });
    expect(await db.prisma.configLogState.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ compactedRevision: 11n });
    const versions = await db.prisma.configVersion.findMany({
      where: { orgId: 'acme', key: 'rateLimit.requests' },
      orderBy: { revision: 'asc' },
    });
    expect(versions.map((v) => v.revision)).toEqual([12n, 13n, 14n]);
    const stale = await ok(acme, CHANGES, { after: '10' });
    expect(stale.configChanges).toEqual({ changes: [], hasMore: false, compacted: true, revision: '14' });
    const fresh = await ok(acme, CHANGES, { after: '11' });
    expect(fresh.configChanges.changes.map((c: { revision: string }) => c.revision)).toEqual(['12', '13', '14']);
    expect(fresh.configChanges.compacted).toBe(false);
    busDown = false;
    await waitPublished(14);
    // nothing more to delete: 14 is published now but it is among the newest 3 (and the latest)
    expect(await config.compactHistory()).toEqual({ deleted: 0, compactedRevision: 11n });
  });
});
