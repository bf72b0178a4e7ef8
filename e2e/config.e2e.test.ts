import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// The config subgraph through the gateway, between organisations: each organisation's API keys
// reach its own configuration only (its entries, versions, resolved values and secrets), never
// another organisation's and never the platform scope above them; secrets are redacted for a
// reader without config:secrets:read and revealed (audited) for one with it.
const SECRET = 'test-jwt-secret-config-0123456789abcdef-0001';
const dataDir = tempDataDir();
let stack: FullStack;

type Answer = { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
async function call(headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

/** An API key of `org` with `scopes`, minted through the gateway by the organisation's administrator. */
async function apiKey(org: string, scopes: string[]): Promise<Record<string, string>> {
  const admin = { authorization: `Bearer ${await orgToken(SECRET, org, 'dictamesh:admin')}` };
  const created = await call(admin, 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', {
    input: { org, name: `config ${scopes.join(' ').replaceAll(':', '.')}`, scopes },
  });
  expect(created.errors).toBeUndefined();
  return { 'x-api-key': created.data!.createApiKey.key as string };
}

const SET = `mutation ($input: SetConfigInput!) { setConfig(input: $input) { key version kind redacted value scope { path } } }`;
const ENTRY = `query ($scope: ConfigScopeInput!, $key: String!, $reveal: Boolean) {
  configEntry(scope: $scope, key: $key, revealSecrets: $reveal) { key kind value redacted version scope { path } }
}`;
const RESOLVED = `query ($environment: String, $reveal: Boolean) {
  resolvedConfig(environment: $environment, revealSecrets: $reveal) { organizationId values { key value redacted version source { path } } }
}`;

let acme: Record<string, string>;
let acmeReader: Record<string, string>;
let acmeSecrets: Record<string, string>;
let globex: Record<string, string>;
let operator: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack(dataDir, {}, { JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '', ADAPTER_SYNC_INTERVAL_MS: '0' });
  acme = await apiKey('acme', ['config:read', 'config:write']);
  acmeReader = await apiKey('acme', ['config:read']);
  acmeSecrets = await apiKey('acme', ['config:read', 'config:secrets:read']);
  globex = await apiKey('globex', ['config:read', 'config:write', 'config:secrets:read']);
  operator = { authorization: `Bearer ${await orgToken(SECRET, 'platform', 'dictamesh:platform')}` };
  // the platform's value every organisation inherits, and globex's own values and secret
  for (const [who, input] of [
    [operator, { scope: { platform: true }, key: 'greeting', value: 'hello from the platform' }],
    [globex, { scope: {}, key: 'greeting', value: 'globex says hi' }],
    [globex, { scope: { environment: 'production' }, key: 'db.url', value: 'postgres://globex-db/prod' }],
    [globex, { scope: { environment: 'production' }, key: 'db.password', kind: 'SECRET', value: 'globex-password-1' }],
  ] as const) {
    const answer = await call(who, SET, { input });
    expect(answer.errors).toBeUndefined();
  }
}, 120_000);
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('configuration isolation between organisations through the gateway', () => {
  it("never shows another organisation's values: entries, resolved configuration, versions", async () => {
    expect((await call(acme, ENTRY, { scope: { environment: 'production' }, key: 'db.url' })).data).toEqual({ configEntry: null });
    const listed = await call(acme, `query { configEntries(scope: { environment: "production" }, below: true) { key } }`);
    expect(listed).toEqual({ data: { configEntries: [] } });
    const resolved = await call(acme, RESOLVED, { environment: 'production' });
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data!.resolvedConfig).toEqual({
      organizationId: 'acme',
      values: [{ key: 'greeting', value: 'hello from the platform', redacted: false, version: 1, source: { path: 'platform' } }],
    });
    const versions = await call(acme, `query { configVersions(scope: { environment: "production" }, key: "db.url") { version } }`);
    expect(versions.data?.configVersions ?? []).toEqual([]);
    // globex sees its own
    const globexResolved = await call(globex, RESOLVED, { environment: 'production' });
    expect(
      (globexResolved.data!.resolvedConfig.values as Array<{ key: string; value: unknown; source: { path: string } }>)
        .map((v) => [v.key, v.value, v.source.path])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['db.password', null, 'org:globex/production'],
      ['db.url', 'postgres://globex-db/prod', 'org:globex/production'],
      ['greeting', 'globex says hi', 'org:globex'],
    ]);
  });

  it("writes its own organisation's entry when it names another's key, leaving the other's as it was", async () => {
    const written = await call(acme, SET, {
      input: { scope: { environment: 'production' }, key: 'db.url', value: 'postgres://acme-db/prod' },
    });
    expect(written.data).toEqual({
      setConfig: {
        key: 'db.url',
        version: 1,
        kind: 'VALUE',
        redacted: false,
        value: 'postgres://acme-db/prod',
        scope: { path: 'org:acme/production' },
      },
    });
    // a compare-and-set against globex's version is acme's own entry's check
    const stale = await call(acme, SET, { input: { scope: {}, key: 'greeting', value: 'x', expectedVersion: 1 } });
    expect(codeOf(stale)).toBe('CONFIG_VERSION_CONFLICT');
    const globexEntry = await call(globex, ENTRY, { scope: { environment: 'production' }, key: 'db.url' });
    expect(globexEntry.data!.configEntry).toMatchObject({
      value: 'postgres://globex-db/prod',
      version: 1,
      scope: { path: 'org:globex/production' },
    });
    const rows = await stack.db.prisma.configEntry.findMany({ where: { key: 'db.url' }, orderBy: { orgId: 'asc' } });
    expect(rows.map((r) => [r.orgId, r.value, r.version])).toEqual([
      ['acme', 'postgres://acme-db/prod', 1],
      ['globex', 'postgres://globex-db/prod', 1],
    ]);
  });

  it('refuses the platform scope to an organisation, for reads and every write; nothing written', async () => {
    const before = await stack.db.prisma.configVersion.count();
    const platform = { platform: true };
    for (const [query, variables] of [
      [SET, { input: { scope: platform, key: 'greeting', value: 'hijacked' } }],
      [ENTRY, { scope: platform, key: 'greeting' }],
      [`query ($scope: ConfigScopeInput!) { configEntries(scope: $scope) { key } }`, { scope: platform }],
      [
        `mutation ($input: DeleteConfigInput!) { deleteConfig(input: $input) { version } }`,
        { input: { scope: platform, key: 'greeting' } },
      ],
      [
        `mutation ($input: RollbackConfigInput!) { rollbackConfig(input: $input) { version } }`,
        { input: { scope: platform, key: 'greeting', toVersion: 1 } },
      ],
      [
        `mutation ($input: SetConfigSchemaInput!) { setConfigSchema(input: $input) { version } }`,
        { input: { scope: platform, key: 'greeting', jsonSchema: { type: 'string' } } },
      ],
      [
        `mutation ($entries: [ConfigImportEntryInput!]!) { importConfig(entries: $entries, apply: true) { applied } }`,
        { entries: [{ scope: platform, key: 'greeting', value: 'hijacked' }] },
      ],
      [`query { resolvedConfig(platform: true) { values { key } } }`, {}],
    ] as const) {
      const answer = await call(acme, query, variables);
      expect({ query, code: codeOf(answer) }).toEqual({ query, code: 'FORBIDDEN' });
    }
    expect(await stack.db.prisma.configVersion.count()).toBe(before);
    const platformEntry = await call(operator, ENTRY, { scope: platform, key: 'greeting' });
    expect(platformEntry.data!.configEntry).toMatchObject({ value: 'hello from the platform', version: 1 });
  });

  it('redacts a secret for config:read, refuses to reveal it (CONFIG_SECRET_FORBIDDEN), reveals it for config:secrets:read', async () => {
    const set = await call(acme, SET, {
      input: { scope: { environment: 'production' }, key: 'db.password', kind: 'SECRET', value: 'acme-password-1' },
    });
    expect(set.data!.setConfig).toMatchObject({ kind: 'SECRET', redacted: true, value: null });
    const scope = { environment: 'production' };
    expect((await call(acmeReader, ENTRY, { scope, key: 'db.password' })).data!.configEntry).toMatchObject({
      kind: 'SECRET',
      value: null,
      redacted: true,
    });
    for (const [query, variables] of [
      [ENTRY, { scope, key: 'db.password', reveal: true }],
      [RESOLVED, { environment: 'production', reveal: true }],
      [`query { configEntries(scope: { environment: "production" }, revealSecrets: true) { key } }`, {}],
      [`query { configVersions(scope: { environment: "production" }, key: "db.password", revealSecrets: true) { value } }`, {}],
    ] as const) {
      const answer = await call(acmeReader, query, variables);
      // nothing answered: no data, or the nullable field null
      const answered = Object.values(answer.data ?? {}).filter((value) => value !== null);
      expect({ query, code: codeOf(answer), answered }).toEqual({ query, code: 'CONFIG_SECRET_FORBIDDEN', answered: [] });
      expect(JSON.stringify(answer)).not.toContain('acme-password-1');
    }
    const resolved = await call(acmeReader, RESOLVED, { environment: 'production' });
    expect(resolved.data!.resolvedConfig.values).toContainEqual({
      key: 'db.password',
      value: null,
      redacted: true,
      version: 1,
      source: { path: 'org:acme/production' },
    });
    expect((await call(acmeSecrets, ENTRY, { scope, key: 'db.password', reveal: true })).data!.configEntry).toMatchObject({
      value: 'acme-password-1',
      redacted: false,
    });
    // globex's secrets reader reveals its own secret only
    expect((await call(globex, ENTRY, { scope, key: 'db.password', reveal: true })).data!.configEntry).toMatchObject({
      value: 'globex-password-1',
      redacted: false,
    });
    const row = await stack.db.prisma.configEntry.findFirst({ where: { orgId: 'acme', key: 'db.password' } });
    expect(row!.value).toBeNull();
    expect(Buffer.from(row!.ciphertext!).toString('latin1')).not.toContain('acme-password-1');
  });
});
