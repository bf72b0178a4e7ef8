import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { GatewayTokens, type Principal } from '@dictamesh/runtime';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { createConfigService, type ConfigService } from '../service';
import { subgraphClient } from '../test/subgraph-client';

// The config subgraph's entries and audit log over HTTP as the gateway calls it (signed
// principal and request origin per request), on an in-memory PGlite with the real key ring.
const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
let db: Database;
let bus: InProcessEventBus;
let config: ConfigService;
let requests = 0;

const operator: Principal = { subject: 'ops', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' };
const acmeAdmin: Principal = { subject: 'ann@acme', org: 'acme', scopes: ['dictamesh:admin'], method: 'jwt' };
const acmeWriter: Principal = { subject: 'wes@acme', org: 'acme', scopes: ['config:write', 'config:read'], method: 'api-key' };
const globex: Principal = { subject: 'gus@globex', org: 'globex', scopes: ['dictamesh:admin'], method: 'jwt' };

const { ok, failure } = subgraphClient(
  () => config.app,
  tokens,
  () => ({ requestId: `req-${++requests}`, ip: '203.0.113.5', userAgent: 'dictamesh-test/1' }),
);

/** The error of a request that must fail. */
async function refused(principal: Principal, query: string, variables: Record<string, unknown> = {}) {
  return (await failure(principal, query, variables)).extensions!;
}

const SET = `mutation ($input: SetConfigInput!) { setConfig(input: $input) { key version revision kind value redacted hasValue scope { path level } } }`;
const RESOLVED = `query ($env: String, $service: String, $component: String, $platform: Boolean, $reveal: Boolean, $prefix: String) {
  resolvedConfig(environment: $env, service: $service, component: $component, platform: $platform, revealSecrets: $reveal, prefix: $prefix) {
    organizationId environment service component revision
    values { key kind value redacted version source { path level } overrides { scope { path } version value redacted } } } }`;
const ENTRY = `query ($scope: ConfigScopeInput!, $key: String!, $reveal: Boolean) {
  configEntry(scope: $scope, key: $key, revealSecrets: $reveal) { key kind value redacted version jsonSchema effectiveSchema updatedBy } }`;
const AUDIT = `query ($filter: ConfigAuditFilter, $first: Int, $after: String) {
  configAuditLog(filter: $filter, first: $first, after: $after) {
    nodes { id organizationId actor actorMethod action outcome scope key version requestId ip userAgent detail } endCursor hasNextPage } }`;

const set = (principal: Principal, input: Record<string, unknown>) => ok(principal, SET, { input });

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  bus = new InProcessEventBus();
  const secrets = await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]);
  config = await createConfigService({
    db,
    bus,
    logger: pino({ level: 'silent' }),
    introspection: false,
    gatewayTokens: tokens,
    secrets,
    now: () => new Date('2026-12-01T01:00:00.000Z'),
  });
});
afterAll(async () => {
  await config?.close();
  await bus?.close();
  await db?.close();
});

describe('config entries over HTTP', () => {
  it('resolves platform → org → env → service → component with provenance and the overrides', async () => {
    await set(operator, { scope: { platform: true }, key: 'limits.requests', value: 100 });
    await set(operator, { scope: { platform: true, environment: 'production' }, key: 'limits.burst', value: 10 });
    await set(acmeAdmin, { scope: {}, key: 'limits.requests', value: 200 });
    await set(acmeAdmin, { scope: { environment: 'production' }, key: 'limits.requests', value: 300 });
    await set(acmeAdmin, { scope: { environment: 'production', service: 'gateway' }, key: 'limits.requests', value: 400 });
    const edge = await set(acmeAdmin, {
      scope: { environment: 'production', service: 'gateway', component: 'edge' },
      key: 'limits.requests',
      value: 500,
    });
    expect(edge.setConfig).toEqual({
      key: 'limits.requests',
      version: 1,
      revision: '6',
      kind: 'VALUE',
      value: 500,
      redacted: false,
      hasValue: true,
      scope: { path: 'org:acme/production/gateway/edge', level: 'COMPONENT' },
    });
    const { resolvedConfig } = await ok(acmeWriter, RESOLVED, { env: 'production', service: 'gateway', component: 'edge' });
    expect(resolvedConfig).toEqual({
      organizationId: 'acme',
      environment: 'production',
      service: 'gateway',
      component: 'edge',
      revision: '6',
      values: [
        {
          key: 'limits.burst',
          kind: 'VALUE',
          value: 10,
          redacted: false,
          version: 1,
          source: { path: 'platform/production', level: 'ENVIRONMENT' },
          overrides: [],
        },
        {
          key: 'limits.requests',
          kind: 'VALUE',
          value: 500,
          redacted: false,
          version: 1,
          source: { path: 'org:acme/production/gateway/edge', level: 'COMPONENT' },
          overrides: [
            { scope: { path: 'org:acme/production/gateway' }, version: 1, value: 400, redacted: false },
            { scope: { path: 'org:acme/production' }, version: 1, value: 300, redacted: false },
            { scope: { path: 'org:acme' }, version: 1, value: 200, redacted: false },
            { scope: { path: 'platform' }, version: 1, value: 100, redacted: false },
          ],
        },
      ],
    });
    const platformOnly = await ok(operator, RESOLVED, { platform: true });
    expect(platformOnly.resolvedConfig.values.map((v: { key: string; value: unknown }) => [v.key, v.value])).toEqual([
      ['limits.requests', 100],
    ]);
  });

  it('keeps organisations apart: another organisation sees none of acme’s keys, tenants never the platform scope', async () => {
    const { resolvedConfig } = await ok(globex, RESOLVED, { env: 'production', service: 'gateway', component: 'edge' });
    expect(
      resolvedConfig.values.map((v: { key: string; value: unknown; source: { path: string } }) => [v.key, v.value, v.source.path]),
    ).toEqual([
      ['limits.burst', 10, 'platform/production'],
      ['limits.requests', 100, 'platform'],
    ]);
    expect((await ok(globex, ENTRY, { scope: {}, key: 'limits.requests' })).configEntry).toBeNull();
    expect((await refused(globex, SET, { input: { scope: { platform: true }, key: 'limits.requests', value: 1 } })).code).toBe('FORBIDDEN');
    expect((await refused(acmeAdmin, RESOLVED, { platform: true })).code).toBe('FORBIDDEN');
    // globex's own write lands in globex: acme's value is untouched
    await set(globex, { scope: {}, key: 'limits.requests', value: 9 });
    expect((await ok(acmeWriter, ENTRY, { scope: {}, key: 'limits.requests' })).configEntry).toMatchObject({ value: 200, version: 1 });
  });

  it('reports every schema violation by pointer, refuses invalid schemas and schema changes current values break', async () => {
    const SCHEMA = `mutation ($input: SetConfigSchemaInput!) { setConfigSchema(input: $input) { version jsonSchema hasValue } }`;
    const schema = {
      type: 'object',
      required: ['url', 'timeoutMs'],
      properties: {
        url: { type: 'string', format: 'uri' },
        timeoutMs: { type: 'integer', minimum: 100 },
        retries: { type: 'integer', maximum: 5 },
      },
      additionalProperties: false,
    };
    expect((await ok(acmeAdmin, SCHEMA, { input: { scope: {}, key: 'upstream', jsonSchema: schema } })).setConfigSchema).toEqual({
      version: 1,
      jsonSchema: schema,
      hasValue: false,
    });
    const bad = await refused(acmeWriter, SET, {
      input: { scope: { environment: 'staging' }, key: 'upstream', value: { url: 'not a uri', timeoutMs: 5, retries: 9, extra: true } },
    });
    expect(bad.code).toBe('CONFIG_VALIDATION_FAILED');
    expect((bad.violations as { pointer: string; keyword: string }[]).map((v) => `${v.pointer} ${v.keyword}`).sort()).toEqual([
      '/extra additionalProperties',
      '/retries maximum',
      '/timeoutMs minimum',
      '/url format',
    ]);
    const missing = await refused(acmeWriter, SET, { input: { scope: { environment: 'staging' }, key: 'upstream', value: {} } });
    expect((missing.violations as { pointer: string }[]).map((v) => v.pointer)).toEqual(['/url', '/timeoutMs']);
    expect(await db.prisma.configEntry.count({ where: { key: 'upstream' } })).toBe(1);
    await set(acmeWriter, { scope: { environment: 'staging' }, key: 'upstream', value: { url: 'https://up.example', timeoutMs: 500 } });
    const effective = await ok(acmeWriter, ENTRY, { scope: { environment: 'staging' }, key: 'upstream' });
    expect(effective.configEntry).toMatchObject({ jsonSchema: null, effectiveSchema: schema, version: 1 });
    expect(
      (await refused(acmeAdmin, SCHEMA, { input: { scope: {}, key: 'upstream', jsonSchema: { type: 'object', properties: 5 } } })).code,
    ).toBe('CONFIG_SCHEMA_INVALID');
    const conflict = await refused(acmeAdmin, SCHEMA, {
      input: {
        scope: {},
        key: 'upstream',
        jsonSchema: { ...schema, properties: { ...schema.properties, timeoutMs: { type: 'integer', maximum: 200 } } },
      },
    });
    expect([conflict.code, conflict.scopes]).toEqual(['CONFIG_SCHEMA_CONFLICT', ['org:acme/staging']]);
    const VALIDATE = `query ($input: ValidateConfigInput!) { validateConfig(input: $input) { valid violations { pointer keyword } schema } }`;
    const checked = await ok(acmeWriter, VALIDATE, {
      input: { scope: { environment: 'staging' }, key: 'upstream', value: { url: 'https://x', timeoutMs: 1 } },
    });
    expect(checked.validateConfig).toEqual({ valid: false, violations: [{ pointer: '/timeoutMs', keyword: 'minimum' }], schema });
  });

  it('refuses a stale expectedVersion with the current version, then rolls back and diffs', async () => {
    const key = { scope: { environment: 'production' }, key: 'feature.search' };
    await set(acmeWriter, { ...key, value: { engine: 'pg', weights: [1, 2] }, expectedVersion: 0 });
    await set(acmeWriter, {
      ...key,
      value: { engine: 'os', weights: [1, 3], shards: 2 },
      expectedVersion: 1,
      reason: 'move to opensearch',
    });
    const stale = await refused(acmeWriter, SET, { input: { ...key, value: { engine: 'x' }, expectedVersion: 1 } });
    expect([stale.code, stale.currentVersion]).toEqual(['CONFIG_VERSION_CONFLICT', 2]);
    const ROLLBACK = `mutation ($input: RollbackConfigInput!) { rollbackConfig(input: $input) { version value } }`;
    expect((await refused(acmeWriter, ROLLBACK, { input: { ...key, toVersion: 7 } })).code).toBe('CONFIG_VERSION_UNKNOWN');
    expect((await ok(acmeWriter, ROLLBACK, { input: { ...key, toVersion: 1, reason: 'opensearch is slow' } })).rollbackConfig).toEqual({
      version: 3,
      value: { engine: 'pg', weights: [1, 2] },
    });
    const VERSIONS = `query ($scope: ConfigScopeInput!, $key: String!) { configVersions(scope: $scope, key: $key) { version operation rollbackOf reason author requestId value } }`;
    const { configVersions } = await ok(acmeWriter, VERSIONS, key);
    expect(configVersions.map((v: Record<string, unknown>) => [v.version, v.operation, v.rollbackOf, v.reason, v.author])).toEqual([
      [3, 'ROLLBACK', 1, 'opensearch is slow', 'wes@acme'],
      [2, 'SET', null, 'move to opensearch', 'wes@acme'],
      [1, 'SET', null, null, 'wes@acme'],
    ]);
    expect(configVersions[0].requestId).toMatch(/^req-\d+$/);
    const DIFF = `query ($scope: ConfigScopeInput!, $key: String!, $from: Int!, $to: Int!) {
      configDiff(scope: $scope, key: $key, fromVersion: $from, toVersion: $to) { fromVersion toVersion operations { op path from value } secretChanged schemaChanged kindChanged } }`;
    expect((await ok(acmeWriter, DIFF, { ...key, from: 1, to: 2 })).configDiff).toEqual({
      fromVersion: 1,
      toVersion: 2,
      // JSONB orders keys by length, then bytes: shards, engine, weights
      operations: [
        { op: 'add', path: '/shards', from: null, value: 2 },
        { op: 'replace', path: '/engine', from: null, value: 'os' },
        { op: 'replace', path: '/weights/1', from: null, value: 3 },
      ],
      secretChanged: false,
      schemaChanged: false,
      kindChanged: false,
    });
    expect((await ok(acmeWriter, DIFF, { ...key, from: 1, to: 3 })).configDiff.operations).toEqual([]);
    expect((await refused(acmeWriter, DIFF, { ...key, from: 1, to: 4 })).code).toBe('CONFIG_VERSION_UNKNOWN');
  });

  it('stores secrets sealed, redacts them without config:secrets:read, and keeps them out of the audit log', async () => {
    const secret = await set(acmeAdmin, { scope: {}, key: 'stripe.apiKey', kind: 'SECRET', value: 'sk_live_PLAINTEXT_123' });
    expect(secret.setConfig).toMatchObject({ kind: 'SECRET', value: null, redacted: true });
    await set(acmeAdmin, { scope: {}, key: 'stripe.apiKey', value: 'sk_live_PLAINTEXT_456' });
    expect((await ok(acmeWriter, ENTRY, { scope: {}, key: 'stripe.apiKey' })).configEntry).toMatchObject({
      kind: 'SECRET',
      value: null,
      redacted: true,
      version: 2,
    });
    expect((await refused(acmeWriter, ENTRY, { scope: {}, key: 'stripe.apiKey', reveal: true })).code).toBe('CONFIG_SECRET_FORBIDDEN');
    expect((await ok(acmeAdmin, ENTRY, { scope: {}, key: 'stripe.apiKey', reveal: true })).configEntry).toMatchObject({
      value: 'sk_live_PLAINTEXT_456',
      redacted: false,
    });
    const DIFF = `query { configDiff(scope: {}, key: "stripe.apiKey", fromVersion: 1, toVersion: 2) { operations { op } secretChanged } }`;
    expect((await ok(acmeAdmin, DIFF)).configDiff).toEqual({ operations: [], secretChanged: true });
    const raw = await db.prisma.$queryRaw<{ text: string }[]>`
      SELECT row_to_json(c)::text AS text FROM dictamesh_configurations c UNION ALL
      SELECT row_to_json(v)::text FROM dictamesh_config_versions v UNION ALL
      SELECT row_to_json(a)::text FROM dictamesh_config_audit_logs a`;
    expect(raw.length).toBeGreaterThan(30);
    for (const { text } of raw) expect(text).not.toContain('PLAINTEXT');
    const stored = await db.prisma.configEntry.findFirstOrThrow({ where: { orgId: 'acme', key: 'stripe.apiKey' } });
    expect([stored.value, stored.ciphertext!.length > 28, stored.keyId]).toEqual([null, true, expect.stringMatching(/^kek-/)]);
  });

  it('imports: a dry run writes nothing, apply writes all, an invalid document writes nothing', async () => {
    const IMPORT = `mutation ($entries: [ConfigImportEntryInput!]!, $apply: Boolean) {
      importConfig(entries: $entries, apply: $apply, reason: "bootstrap") { applied revision items { key action version scope { path } violations { pointer keyword } } } }`;
    const entries = [
      { scope: {}, key: 'limits.requests', value: 200 },
      { scope: {}, key: 'limits.requests', value: 250 },
      { scope: { environment: 'qa' }, key: 'imported.a', value: 'a' },
    ];
    const before = await db.prisma.configVersion.count();
    const dry = await ok(acmeWriter, IMPORT, { entries });
    expect(dry.importConfig.applied).toBe(false);
    expect(dry.importConfig.items.map((i: { action: string; version: number | null }) => [i.action, i.version])).toEqual([
      ['UNCHANGED', null],
      ['UPDATE', null],
      ['CREATE', null],
    ]);
    expect(await db.prisma.configVersion.count()).toBe(before);
    const invalid = await ok(acmeWriter, IMPORT, {
      entries: [
        ...entries,
        { scope: { environment: 'staging' }, key: 'upstream', value: { url: 3 } },
        { scope: { service: 'x' }, key: 'k', value: 1 },
      ],
    });
    expect(invalid.importConfig.items.map((i: { action: string }) => i.action)).toEqual([
      'UNCHANGED',
      'UPDATE',
      'CREATE',
      'INVALID',
      'INVALID',
    ]);
    expect(invalid.importConfig.items[3].violations.map((v: { pointer: string }) => v.pointer).sort()).toEqual(['/timeoutMs', '/url']);
    const refusedApply = await refused(acmeWriter, IMPORT, {
      entries: [...entries, { scope: { environment: 'staging' }, key: 'upstream', value: {} }],
      apply: true,
    });
    expect(refusedApply.code).toBe('CONFIG_IMPORT_INVALID');
    expect((refusedApply.items as { index: number }[]).map((i) => i.index)).toEqual([3]);
    expect(await db.prisma.configVersion.count()).toBe(before);
    const applied = await ok(acmeWriter, IMPORT, { entries, apply: true });
    expect(applied.importConfig.items.map((i: { action: string; version: number | null }) => [i.action, i.version])).toEqual([
      ['UNCHANGED', null],
      ['UPDATE', 2],
      ['CREATE', 1],
    ]);
    expect(await db.prisma.configVersion.count()).toBe(before + 2);
    expect(applied.importConfig.revision).toBe(String(await db.prisma.configVersion.count()));
  });

  it('audits reads, writes and refusals with the request origin, newest first, paginated', async () => {
    const first = await ok(acmeAdmin, AUDIT, { first: 3 });
    const page1 = first.configAuditLog;
    expect(page1.nodes).toHaveLength(3);
    expect(page1.hasNextPage).toBe(true);
    const ids = page1.nodes.map((n: { id: string }) => Number(n.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const second = (await ok(acmeAdmin, AUDIT, { first: 3, after: page1.endCursor })).configAuditLog;
    expect(Number(second.nodes[0].id)).toBeLessThan(ids[2]);
    const all = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const { configAuditLog }: { configAuditLog: { nodes: Record<string, unknown>[]; endCursor: string | null; hasNextPage: boolean } } =
        (await ok(acmeAdmin, AUDIT, { first: 7, after })) as never;
      all.push(...configAuditLog.nodes);
      if (!configAuditLog.hasNextPage) break;
      after = configAuditLog.endCursor;
    }
    expect(all.every((n) => n.organizationId === 'acme')).toBe(true);
    expect(all.length).toBe(await db.prisma.configAuditLog.count({ where: { orgId: 'acme' } }));
    const denied = all.find((n) => n.action === 'SECRET_READ' && n.outcome === 'DENIED');
    expect(denied).toMatchObject({
      actor: 'wes@acme',
      actorMethod: 'api-key',
      key: 'stripe.apiKey',
      scope: 'org:acme',
      detail: { code: 'CONFIG_SECRET_FORBIDDEN' },
      ip: '203.0.113.5',
      userAgent: 'dictamesh-test/1',
    });
    expect(all.find((n) => n.action === 'SECRET_READ' && n.outcome === 'ALLOWED')).toMatchObject({
      actor: 'ann@acme',
      detail: { secretsRevealed: 1 },
    });
    const deniedSets = all
      .filter((n) => n.action === 'SET' && n.outcome === 'DENIED')
      .map((n) => [n.key, (n.detail as { code: string }).code]);
    expect(deniedSets).toContainEqual(['upstream', 'CONFIG_VALIDATION_FAILED']);
    expect(deniedSets).toContainEqual(['feature.search', 'CONFIG_VERSION_CONFLICT']);
    expect(all.find((n) => n.action === 'ROLLBACK' && n.outcome === 'ALLOWED')).toMatchObject({ key: 'feature.search', version: 3 });
    const reads = (await ok(acmeAdmin, AUDIT, { filter: { actions: ['READ'], key: 'limits.requests' }, first: 200 })).configAuditLog.nodes;
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((n: { action: string; key: string }) => n.action === 'READ' && n.key === 'limits.requests')).toBe(true);
    expect((await refused(acmeAdmin, AUDIT, { filter: { platform: true } })).code).toBe('FORBIDDEN');
    const platform = (await ok(operator, AUDIT, { filter: { platform: true }, first: 200 })).configAuditLog.nodes;
    expect(platform.length).toBeGreaterThan(0);
    expect(platform.every((n: { organizationId: string | null }) => n.organizationId === null)).toBe(true);
    expect(
      (await ok(globex, AUDIT, { first: 200 })).configAuditLog.nodes.every(
        (n: { organizationId: string }) => n.organizationId === 'globex',
      ),
    ).toBe(true);
    expect((await refused(acmeAdmin, AUDIT, { first: 201 })).code).toBe('BAD_USER_INPUT');
  });
});
