import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createApiKeyStore } from '@dictamesh/db';
import { parseStackEnv } from '../../env';
import { startStack, type Stack } from '../../stack';
import { runConfig } from './test-io';

// `dictamesh config` against a real DictaMesh started in-process (every service on free
// loopback ports, PGlite in a temporary folder), with API keys of organisation `acme` and of
// the platform operator.
const dataDir = mkdtempSync(join(tmpdir(), 'dictamesh-cli-config-'));
let stack: Stack;
let acme: string[];
let operator: string[];

beforeAll(async () => {
  stack = await startStack(
    parseStackEnv({
      HOST: '127.0.0.1',
      GATEWAY_PORT: '0',
      CATALOG_PORT: '0',
      WEBHOOK_PORT: '0',
      ADAPTERS_PORT: '0',
      BILLING_PORT: '0',
      CONFIG_PORT: '0',
      NOTIFICATIONS_PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_ANONYMOUS_SCOPES: '',
      ADAPTER_SYNC_INTERVAL_MS: '0',
      DICTAMESH_DATA_DIR: dataDir,
    }),
  );
  const keys = createApiKeyStore(stack.db!);
  const gateway = ['--gateway', stack.urls.gateway!];
  acme = [...gateway, '--api-key', (await keys.create({ org: 'acme', name: 'cli', scopes: ['config:read', 'config:write'] })).key];
  operator = [...gateway, '--api-key', (await keys.create({ org: 'platform', name: 'ops', scopes: ['dictamesh:platform'] })).key];
}, 120_000);
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const LIMITS_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { requests: { type: 'integer', minimum: 1 }, burst: { type: 'integer' } },
  required: ['requests'],
  additionalProperties: false,
});
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('dictamesh config against a running DictaMesh', () => {
  it('sets with a schema, refuses a breaking value and a stale version with their codes, resolves with provenance', async () => {
    expect(await runConfig(['set', 'greeting', '"hello"', '--platform', ...operator])).toMatchObject({ code: 0 });
    const set = await runConfig(['set', 'limits', '{"requests":100}', '--env', 'production', '--schema', 'limits.json', ...acme], {
      'limits.json': LIMITS_SCHEMA,
    });
    expect(set).toMatchObject({ code: 0, err: '' });
    expect(set.out).toMatch(/^set limits at org:acme\/production: version 1 \(revision \d+\)\n$/);

    const broken = await runConfig(['set', 'limits', '{"requests":0,"extra":true}', '--env', 'production', ...acme]);
    expect(broken.code).toBe(1);
    expect(lines(broken.err)[0]).toMatch(/^error CONFIG_VALIDATION_FAILED: /);
    expect(lines(broken.err).slice(1, 3).sort()).toEqual([
      '  /extra additionalProperties: must NOT have additional properties',
      '  /requests minimum: must be >= 1',
    ]);

    const stale = await runConfig(['set', 'limits', '{"requests":200}', '--env', 'production', '--expected-version', '0', ...acme]);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/^error CONFIG_VERSION_CONFLICT: /);
    expect(
      await runConfig(['set', 'limits', '{"requests":200}', '--env', 'production', '--expected-version', '1', '--reason', 'more', ...acme]),
    ).toMatchObject({
      code: 0,
    });

    const get = await runConfig(['get', '--env', 'production', '--service', 'gateway', ...acme]);
    expect(get.code).toBe(0);
    expect(lines(get.out).slice(0, 2)).toEqual([
      'greeting = "hello"  (platform v1)',
      'limits = {"requests":200}  (org:acme/production v2)',
    ]);
    const json = await runConfig(['get', 'limits', '--env', 'production', '--json', ...acme]);
    expect(JSON.parse(json.out)).toMatchObject({
      organizationId: 'acme',
      environment: 'production',
      values: [
        {
          key: 'limits',
          kind: 'VALUE',
          value: { requests: 200 },
          version: 2,
          source: { level: 'ENVIRONMENT', path: 'org:acme/production' },
        },
      ],
    });
    const unknown = await runConfig(['get', 'nope', ...acme]);
    expect(unknown).toMatchObject({ code: 1, err: 'error CONFIG_KEY_UNKNOWN: nope has no value at this scope or above\n' });
  });

  it('diffs two versions as JSON Patch lines and rolls back as a new version', async () => {
    const diff = await runConfig(['diff', 'limits', '1', '2', '--env', 'production', ...acme]);
    expect(diff).toMatchObject({ code: 0, err: '' });
    expect(lines(diff.out)).toEqual(['--- limits org:acme/production v1 → v2', '{"op":"replace","path":"/requests","value":200}']);
    const rollback = await runConfig(['rollback', 'limits', '1', '--env', 'production', '--reason', 'too many', ...acme]);
    expect(rollback.out).toMatch(/^rolled back limits at org:acme\/production to version 1: version 3 \(revision \d+\)\n$/);
    expect((await runConfig(['get', 'limits', '--env', 'production', ...acme])).out).toBe(
      'limits = {"requests":100}  (org:acme/production v3)\n',
    );
    const unknown = await runConfig(['rollback', 'limits', '9', '--env', 'production', ...acme]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error CONFIG_VERSION_UNKNOWN: /);
  });

  it('refuses the platform scope to an organisation key', async () => {
    const run = await runConfig(['set', 'greeting', '"mine"', '--platform', ...acme]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^error FORBIDDEN: /);
  });

  it('exports the scope and below with secrets redacted, validates a document, imports it as a dry run then applied', async () => {
    expect(
      await runConfig(['set', 'db.password', '"hunter2"', '--secret', '--env', 'production', '--service', 'api', ...acme]),
    ).toMatchObject({ code: 0 });
    expect((await runConfig(['get', 'db.password', '--env', 'production', '--service', 'api', ...acme])).out).toBe(
      'db.password = <secret>  (org:acme/production/api v1)\n',
    );
    const exported = await runConfig(['export', ...acme]);
    expect(exported.code).toBe(0);
    expect(exported.out).not.toContain('hunter2');
    const document = parseYaml(exported.out) as { entries: Array<Record<string, unknown>> };
    expect(document.entries).toEqual([
      {
        scope: { environment: 'production' },
        key: 'limits',
        kind: 'VALUE',
        value: { requests: 100 },
        jsonSchema: JSON.parse(LIMITS_SCHEMA),
      },
      { scope: { environment: 'production', service: 'api' }, key: 'db.password', kind: 'SECRET', value: { $secret: 'redacted' } },
    ]);
    expect(JSON.parse((await runConfig(['export', '--format', 'json', '--env', 'production', '--service', 'api', ...acme])).out)).toEqual({
      entries: [document.entries[1]],
    });

    const edited = {
      entries: [
        { ...document.entries[0], value: { requests: 150 } },
        document.entries[1],
        { scope: { environment: 'staging' }, key: 'limits', value: { requests: 5 } },
        { scope: {}, key: 'banner', value: 'maintenance at 22:00' },
      ],
    };
    const file = { 'config.json': JSON.stringify(edited) };
    const valid = await runConfig(['validate', '--file', 'config.json', ...acme], file);
    expect(valid.code).toBe(0);
    expect(lines(valid.out)).toEqual([
      'OK       limits  org/production',
      'SKIP     db.password  org/production/api  (secret redacted)',
      'OK       limits  org/staging',
      'OK       banner  org',
      '# 4 entries: 3 valid, 0 invalid, 1 skipped',
    ]);

    const dry = await runConfig(['import', 'config.json', ...acme], file);
    expect(dry.code).toBe(0);
    expect(lines(dry.out)).toEqual([
      'SKIP       db.password  org/production/api  (secret redacted: the stored value is kept)',
      'UPDATE     limits  org:acme/production',
      'CREATE     limits  org:acme/staging',
      'CREATE     banner  org:acme',
      '# dry run: 1 UPDATE, 2 CREATE; nothing written (--apply writes)',
    ]);
    expect((await runConfig(['get', 'limits', '--env', 'staging', ...acme])).code).toBe(1); // nothing written

    const applied = await runConfig(['import', 'config.json', '--apply', '--reason', 'import test', ...acme], file);
    expect(applied.code).toBe(0);
    expect(lines(applied.out).slice(1, 4)).toEqual([
      'UPDATE     limits  org:acme/production  v4',
      'CREATE     limits  org:acme/staging  v1',
      'CREATE     banner  org:acme  v1',
    ]);
    expect((await runConfig(['get', 'limits', '--env', 'staging', ...acme])).out).toBe('limits = {"requests":5}  (org:acme/staging v1)\n');
    expect((await runConfig(['import', 'config.json', ...acme], file)).out).toContain('UNCHANGED  limits  org:acme/production');
  });

  it('reports every invalid entry of a document by pointer and exits 1, writing nothing', async () => {
    const file = {
      'bad.yaml': [
        'entries:',
        '  - scope: { environment: production }',
        '    key: limits',
        '    value: { requests: -5, burst: "x" }',
        '  - key: banner',
        '    value: ok',
        '  - scope: { environment: "Bad Name" }',
        '    key: x',
        '    value: 1',
      ].join('\n'),
    };
    const validate = await runConfig(['validate', '--file', 'bad.yaml', ...acme], file);
    expect(validate.code).toBe(1);
    expect(lines(validate.out)).toEqual([
      'INVALID  limits  org/production  CONFIG_VALIDATION_FAILED',
      '  /burst type: must be integer',
      '  /requests minimum: must be >= 1',
      'OK       banner  org',
      expect.stringMatching(/^INVALID {2}x {2}org\/Bad Name {2}CONFIG_SCOPE_INVALID: /),
      '# 3 entries: 1 valid, 2 invalid, 0 skipped',
    ]);
    const before = await stack.db!.prisma.configVersion.count();
    const imported = await runConfig(['import', 'bad.yaml', '--apply', ...acme], file);
    expect(imported.code).toBe(1);
    expect(await stack.db!.prisma.configVersion.count()).toBe(before);
  });
});
