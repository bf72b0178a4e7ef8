import { randomBytes } from 'node:crypto';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { execute, parse } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';
import type { Principal } from '@dictamesh/runtime';
import { createRequestContext } from '@dictamesh/subgraph-kit';
import type { ConfigServices } from '../context';
import { buildConfigSchema } from '../schema';
import { writeConfig, type WriteActor } from '../store/write';

// featureFlags / evaluateFlag and the FLAG-kind validation on an in-memory PGlite, executed on
// the subgraph schema with a request context (no HTTP).
let db: Database;
let services: ConfigServices;
const schema = buildConfigSchema();
const actor: WriteActor = { subject: 'ann@acme', method: 'jwt', requestId: null, ip: null, userAgent: null };
const platform: ConfigScopeRef = { orgId: null, environment: '', service: '', component: '' };
const acme: ConfigScopeRef = { orgId: 'acme', environment: '', service: '', component: '' };
const acmeProd: ConfigScopeRef = { ...acme, environment: 'production' };
const globex: ConfigScopeRef = { orgId: 'globex', environment: '', service: '', component: '' };

const rollout10 = { type: 'boolean', enabled: true, defaultValue: false, rules: [{ rollout: 10, groupId: 'Feature.flexibleRollout.10' }] };
const theme = (dflt: string) => ({
  type: 'string',
  enabled: true,
  defaultValue: dflt,
  rules: [{ constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }], value: 'dark' }],
});

async function run(org: string, query: string, variables: Record<string, unknown> = {}) {
  const principal: Principal = { subject: `u@${org}`, org, scopes: ['config:read'], method: 'jwt' };
  const result = await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: { ...createRequestContext(principal), ...services },
  });
  return JSON.parse(JSON.stringify(result)) as {
    data?: Record<string, unknown>;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  services = {
    prisma: db.prisma,
    now: () => new Date('2026-12-01T00:00:00.000Z'),
    secrets: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
    publishChanges: () => undefined,
    log: pino({ level: 'silent' }),
  };
  await writeConfig(services, actor, { scope: platform, key: 'ui.theme', operation: 'SET', kind: 'FLAG', value: theme('light') });
  await writeConfig(services, actor, { scope: acmeProd, key: 'ui.theme', operation: 'SET', kind: 'FLAG', value: theme('sepia') });
  await writeConfig(services, actor, { scope: acme, key: 'checkout.newFlow', operation: 'SET', kind: 'FLAG', value: rollout10 });
  await writeConfig(services, actor, { scope: acme, key: 'plain.value', operation: 'SET', value: 3 });
  await writeConfig(services, actor, {
    scope: globex,
    key: 'globex.only',
    operation: 'SET',
    kind: 'FLAG',
    value: { type: 'boolean', enabled: true, defaultValue: true, rules: [] },
  });
});
afterAll(async () => {
  await db?.close();
});

const FLAGS = /* GraphQL */ `
  query ($environment: String) {
    featureFlags(environment: $environment) {
      key
      definition
      version
      revision
      source {
        path
      }
    }
  }
`;
const EVALUATE = /* GraphQL */ `
  query ($key: String!, $context: FlagContextInput, $environment: String) {
    evaluateFlag(key: $key, context: $context, environment: $environment) {
      key
      value
      variant
      reason
      errorCode
      flagVersion
    }
  }
`;

describe('featureFlags', () => {
  it('lists the flags in effect with provenance, the most specific winning, values and other organisations left out', async () => {
    expect(await run('acme', FLAGS, { environment: 'production' })).toEqual({
      data: {
        featureFlags: [
          { key: 'checkout.newFlow', definition: rollout10, version: 1, revision: '3', source: { path: 'org:acme' } },
          { key: 'ui.theme', definition: theme('sepia'), version: 1, revision: '2', source: { path: 'org:acme/production' } },
        ],
      },
    });
    const reads = await db.prisma.configAuditLog.findMany({ where: { orgId: 'acme', action: 'READ' }, orderBy: { at: 'asc' } });
    expect(reads.map((r) => [r.actor, r.scope, r.outcome, r.detail])).toEqual([
      ['u@acme', 'org:acme/production', 'ALLOWED', { query: 'featureFlags', count: 2 }],
    ]);
    expect(await run('acme', FLAGS)).toMatchObject({
      data: { featureFlags: [{ key: 'checkout.newFlow' }, { key: 'ui.theme', source: { path: 'platform' } }] },
    });
  });
});

describe('evaluateFlag', () => {
  it('evaluates the issue vectors: rollout 10 enables userId 174, not 499', async () => {
    expect(await run('acme', EVALUATE, { key: 'checkout.newFlow', context: { userId: '174' } })).toEqual({
      data: { evaluateFlag: { key: 'checkout.newFlow', value: true, variant: null, reason: 'SPLIT', errorCode: null, flagVersion: 1 } },
    });
    expect(await run('acme', EVALUATE, { key: 'checkout.newFlow', context: { targetingKey: '499' } })).toEqual({
      data: { evaluateFlag: { key: 'checkout.newFlow', value: false, variant: null, reason: 'DEFAULT', errorCode: null, flagVersion: 1 } },
    });
  });
  it('tests attributes against rules at the environment', async () => {
    const pro = await run('acme', EVALUATE, { key: 'ui.theme', environment: 'production', context: { attributes: { plan: 'pro' } } });
    expect(pro.data?.evaluateFlag).toMatchObject({ value: 'dark', reason: 'TARGETING_MATCH' });
    const free = await run('acme', EVALUATE, { key: 'ui.theme', environment: 'production', context: { attributes: { plan: 'free' } } });
    expect(free.data?.evaluateFlag).toMatchObject({ value: 'sepia', reason: 'DEFAULT' });
  });
  it('answers FLAG_NOT_FOUND for unknown keys, plain values and other organisations’ flags', async () => {
    for (const key of ['no.such', 'plain.value', 'globex.only'])
      expect(await run('acme', EVALUATE, { key })).toEqual({
        data: { evaluateFlag: { key, value: null, variant: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', flagVersion: null } },
      });
    expect((await run('globex', EVALUATE, { key: 'globex.only' })).data?.evaluateFlag).toMatchObject({ value: true, reason: 'STATIC' });
    const read = await db.prisma.configAuditLog.findFirst({ where: { orgId: 'globex', action: 'READ' } });
    expect(read).toMatchObject({ key: 'globex.only', version: 1, scope: 'org:globex', detail: { query: 'evaluateFlag', found: true } });
  });
});

describe('FLAG values are flag definitions', () => {
  it('refuses a definition breaking the flag schema with every violation, nothing written', async () => {
    const attempt = writeConfig(services, actor, {
      scope: acme,
      key: 'bad.flag',
      operation: 'SET',
      kind: 'FLAG',
      value: { type: 'number', enabled: true, defaultValue: 'ten', rules: [{ rollout: 150 }] },
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'CONFIG_VALIDATION_FAILED',
      details: {
        key: 'bad.flag',
        violations: [
          { pointer: '/defaultValue', keyword: 'type', message: 'must be number' },
          { pointer: '/rules/0/rollout', keyword: 'maximum', message: 'must be <= 100' },
        ],
      },
    });
    expect(await db.prisma.configEntry.count({ where: { key: 'bad.flag' } })).toBe(0);
  });
});

describe('a flag overridden by a plain value', () => {
  it('is not in effect where a more specific scope sets the key as a value', async () => {
    await writeConfig(services, actor, { scope: { ...acme, environment: 'staging' }, key: 'ui.theme', operation: 'SET', value: 'blue' });
    const flags = (await run('acme', FLAGS, { environment: 'staging' })).data?.featureFlags as { key: string }[];
    expect(flags.map((f) => f.key)).toEqual(['checkout.newFlow']);
    expect((await run('acme', EVALUATE, { key: 'ui.theme', environment: 'staging' })).data?.evaluateFlag).toMatchObject({
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });
});
