import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTER_HOST_DEFAULTS } from '@dictamesh/adapter-runtime';
import { RETRY_DEFAULTS } from '@dictamesh/events';
import { GATEWAY_DEFAULTS } from '@dictamesh/gateway';
import { DEFAULT_SERVER_LIMITS } from '@dictamesh/runtime';
import { parseStackEnv, SECRET_FILE_VARIABLES } from './env';

const SECRET = 'a-shared-hs256-secret-of-32-chars-or-more';

/** The problems a refused configuration lists (parseStackEnv throws CONFIGURATION_INVALID). */
function problemsOf(source: Record<string, string>): string[] {
  try {
    parseStackEnv(source);
  } catch (error) {
    expect(error).toMatchObject({ code: 'CONFIGURATION_INVALID' });
    return (error as { details: { problems: string[] } }).details.problems;
  }
  return [];
}

describe('JWT verification in production', () => {
  it('refuses to start without JWT_ISSUER and JWT_AUDIENCE (a token for any audience would be accepted), naming both', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: SECRET });
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('JWT_ISSUER:'))).toMatch(/NODE_ENV=production/);
    expect(problems.find((p) => p.startsWith('JWT_AUDIENCE:'))).toMatch(/NODE_ENV=production/);
  });

  it('names only the missing one, for a JWKS too, and lists it with the other problems', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_ISSUER: 'x', HOST: '' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['HOST', 'JWT_AUDIENCE']);
  });

  it('starts in production with issuer and audience, and outside production or without JWTs as before', () => {
    const env = parseStackEnv({ NODE_ENV: 'production', JWT_SECRET: SECRET, JWT_ISSUER: 'https://idp.example.com/', JWT_AUDIENCE: 'a, b' });
    expect(env.auth).toMatchObject({ JWT_ISSUER: 'https://idp.example.com/', JWT_AUDIENCE: ['a', 'b'] });
    expect(env.auth).not.toHaveProperty('NODE_ENV');
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([]);
    expect(problemsOf({ JWT_SECRET: SECRET })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'test', JWT_JWKS_URL: 'https://idp.example.com/jwks' })).toEqual([]);
  });
});

describe('supergraph config and routing URL overrides', () => {
  it('reads supergraph.yaml of the working directory unless SUPERGRAPH_CONFIG names another file', () => {
    expect(parseStackEnv({}).gateway.SUPERGRAPH_CONFIG).toBe('supergraph.yaml');
    expect(parseStackEnv({ SUPERGRAPH_CONFIG: '/etc/dictamesh/supergraph.yaml' }).gateway.SUPERGRAPH_CONFIG).toBe(
      '/etc/dictamesh/supergraph.yaml',
    );
  });

  it('collects every <NAME>_SUBGRAPH_URL (empty = unset) and names an invalid one', () => {
    const env = parseStackEnv({
      CATALOG_SUBGRAPH_URL: 'http://catalog:4001/graphql',
      INVENTORY_SUBGRAPH_URL: 'https://inventory.internal/graphql',
      BILLING_SUBGRAPH_URL: '',
      SUBGRAPH_TOKEN_KEY: Buffer.alloc(32).toString('base64'),
    });
    expect(env.subgraphUrls).toEqual({
      CATALOG_SUBGRAPH_URL: 'http://catalog:4001/graphql',
      INVENTORY_SUBGRAPH_URL: 'https://inventory.internal/graphql',
    });
    expect(problemsOf({ CATALOG_SUBGRAPH_URL: 'catalog:4001', INVENTORY_SUBGRAPH_URL: 'ftp://x/graphql' }).sort()).toEqual([
      'CATALOG_SUBGRAPH_URL: expected an http(s) URL',
      'INVENTORY_SUBGRAPH_URL: expected an http(s) URL',
    ]);
  });
});

describe('defaults', () => {
  it("are the packages' own (written once) and the ones docs/configuration.md lists", () => {
    const env = parseStackEnv({});
    expect(env.gateway).toMatchObject({
      GATEWAY_MAX_COST: GATEWAY_DEFAULTS.demandControl.maxCost,
      GATEWAY_MAX_TOKENS: GATEWAY_DEFAULTS.demandControl.maxTokens,
      GATEWAY_DEMAND_CONTROL: GATEWAY_DEFAULTS.demandControl.mode,
      GATEWAY_SUBGRAPH_TIMEOUT_MS: GATEWAY_DEFAULTS.subgraphTimeoutMs,
      RATE_LIMIT_ORG_COST: GATEWAY_DEFAULTS.rateLimits.orgCost,
    });
    expect(env.http.HTTP_HEADERS_TIMEOUT_MS).toBe(DEFAULT_SERVER_LIMITS.headersTimeoutMs);
    expect(env.consumers.CONSUMER_MAX_ATTEMPTS).toBe(RETRY_DEFAULTS.maxAttempts);
    expect(env.adapters.ADAPTER_HEALTH_INTERVAL_MS).toBe(ADAPTER_HOST_DEFAULTS.healthIntervalMs);
    expect(env.adapters.ADAPTER_SYNC_INTERVAL_MS).toBe(ADAPTER_HOST_DEFAULTS.syncIntervalMs);

    // every variable of docs/configuration.md whose default is one plain value, e.g. - `GATEWAY_MAX_DEPTH` — default `15`: …
    const parsed: Record<string, unknown> = Object.assign({}, ...Object.values(env));
    const readme = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^- `([A-Z][A-Z0-9_]+)` — default `([^`]+)`(?: \([^)]*\))?:/gm)].filter(([, name]) =>
      ['number', 'string', 'boolean'].includes(typeof parsed[name!]),
    );
    expect(rows.length).toBeGreaterThan(40);
    for (const [, name, value] of rows) expect([name, String(parsed[name!])]).toEqual([name, value]);
  });
});

describe('DICTAMESH_SERVICES', () => {
  it('runs gateway, catalog, the adapter runtime, billing, config and notifications by default, and takes `webhooks` as the old name of `adapters`', () => {
    expect([...parseStackEnv({}).server.DICTAMESH_SERVICES]).toEqual([
      'gateway',
      'catalog',
      'adapters',
      'billing',
      'config',
      'notifications',
    ]);
    expect([...parseStackEnv({ DICTAMESH_SERVICES: 'webhooks' }).server.DICTAMESH_SERVICES]).toEqual(['adapters']);
    expect([...parseStackEnv({ DICTAMESH_SERVICES: 'catalog,webhooks,adapters' }).server.DICTAMESH_SERVICES]).toEqual([
      'catalog',
      'adapters',
    ]);
    expect([...parseStackEnv({ DICTAMESH_SERVICES: 'notifications' }).server.DICTAMESH_SERVICES]).toEqual(['notifications']);
    expect(problemsOf({ DICTAMESH_SERVICES: 'catalog,mailer' })[0]).toMatch(/^DICTAMESH_SERVICES/);
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_x' })[0]).toMatch(/^STRIPE_API_BASE_URL/);
  });
});

describe('notifications', () => {
  it('has no channel configured by default, runs the worker and sends from DictaMesh <notifications@localhost>', () => {
    expect(parseStackEnv({}).notifications).toEqual({
      NOTIFICATIONS_EMAIL_FROM: 'DictaMesh <notifications@localhost>',
      NOTIFICATIONS_RATE_LIMITS: {},
      NOTIFICATIONS_WORKER: true,
    });
  });

  it('reads the channels, per-channel rates per second and the worker switch', () => {
    const env = parseStackEnv({
      NOTIFICATIONS_SMTP_URL: 'smtp://user:pass@127.0.0.1:2525',
      NOTIFICATIONS_SMS_URL: 'http://127.0.0.1:9999/2010-04-01',
      NOTIFICATIONS_SMS_ACCOUNT_SID: 'AC1',
      NOTIFICATIONS_SMS_AUTH_TOKEN: 'token',
      NOTIFICATIONS_SMS_FROM: '+15005550006',
      NOTIFICATIONS_PUSH_URL: 'http://127.0.0.1:9998/--/api/v2/push/send',
      NOTIFICATIONS_RATE_LIMITS: 'EMAIL=10, sms=1,in_app=0.5',
      NOTIFICATIONS_WORKER: 'false',
    });
    expect(env.notifications).toMatchObject({
      NOTIFICATIONS_SMTP_URL: 'smtp://user:pass@127.0.0.1:2525',
      NOTIFICATIONS_SMS_FROM: '+15005550006',
      NOTIFICATIONS_RATE_LIMITS: { EMAIL: 10, SMS: 1, IN_APP: 0.5 },
      NOTIFICATIONS_WORKER: false,
    });
  });

  it('names a bad SMTP URL, rate list or missing SMS variable, without echoing a credential', () => {
    const problems = problemsOf({
      NOTIFICATIONS_SMTP_URL: 'http://user:secret-pass@mail',
      NOTIFICATIONS_RATE_LIMITS: 'FAX=3',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['NOTIFICATIONS_RATE_LIMITS.0.0', 'NOTIFICATIONS_SMTP_URL']);
    expect(problems.join('\n')).not.toContain('secret-pass');
    const sms = problemsOf({ NOTIFICATIONS_SMS_URL: 'http://127.0.0.1:9999', NOTIFICATIONS_SMS_FROM: '+15005550006' });
    expect(sms.map((p) => p.split(':')[0]).sort()).toEqual(['NOTIFICATIONS_SMS_ACCOUNT_SID', 'NOTIFICATIONS_SMS_AUTH_TOKEN']);
    expect(problemsOf({ NOTIFICATIONS_RATE_LIMITS: 'EMAIL=0' })[0]).toMatch(/^NOTIFICATIONS_RATE_LIMITS/);
  });
});

describe('DICTAMESH_MASTER_KEY', () => {
  it('takes a comma-separated list of 32-byte base64 keys and names a bad one without echoing it', () => {
    const keys = `${Buffer.alloc(32, 1).toString('base64')},${Buffer.alloc(32, 2).toString('base64')}`;
    expect(parseStackEnv({ DICTAMESH_MASTER_KEY: keys }).secrets.DICTAMESH_MASTER_KEY).toBe(keys);
    expect(parseStackEnv({}).secrets.DICTAMESH_MASTER_KEY).toBeUndefined();
    const bad = `${Buffer.alloc(32, 1).toString('base64')},${Buffer.alloc(16, 3).toString('base64')}`;
    const problems = problemsOf({ DICTAMESH_MASTER_KEY: bad });
    expect(problems).toEqual(['DICTAMESH_MASTER_KEY: each comma-separated key must be 32 bytes, base64-encoded']);
  });
});

describe('secrets from mounted files (<NAME>_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dictamesh-cli-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

  it('reads every secret of the compose and Helm deployments from its file, one trailing newline removed', () => {
    const env = parseStackEnv({
      JWT_SECRET_FILE: file('jwt', `${SECRET}\n`),
      JWT_ISSUER: 'i',
      JWT_AUDIENCE: 'a',
      SUBGRAPH_TOKEN_KEY_FILE: file('token', `${key(1)}\n`),
      DICTAMESH_MASTER_KEY_FILE: file('master', `${key(2)}\n`),
      DICTAMESH_SECRET_KEY_FILE: file('legacy', `${key(3)}\n`),
      DATABASE_URL_FILE: file('db', 'postgresql://dictamesh:p%40ss@postgres:5432/dictamesh\n'),
      REDIS_URL_FILE: file('redis', 'redis://:pw@redis:6379\n'),
      NOTIFICATIONS_SMTP_URL_FILE: file('smtp', 'smtp://mailpit:1025\n'),
    });
    expect(env.auth).toMatchObject({ JWT_SECRET: SECRET, SUBGRAPH_TOKEN_KEY: key(1) });
    expect(env.secrets.DICTAMESH_MASTER_KEY).toBe(key(2));
    expect(env.adapters.DICTAMESH_SECRET_KEY).toBe(key(3));
    expect(env.database.DATABASE_URL).toBe('postgresql://dictamesh:p%40ss@postgres:5432/dictamesh');
    expect(env.gateway.REDIS_URL).toBe('redis://:pw@redis:6379');
    expect(env.notifications.NOTIFICATIONS_SMTP_URL).toBe('smtp://mailpit:1025');
    expect(SECRET_FILE_VARIABLES).toEqual(
      expect.arrayContaining(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'NOTIFICATIONS_SMS_AUTH_TOKEN']),
    );
  });

  it('refuses a secret set both ways, a missing file and a bad key in a file, all at once, without echoing the key', () => {
    const problems = problemsOf({
      JWT_SECRET: SECRET,
      JWT_SECRET_FILE: file('jwt-twice', SECRET),
      DATABASE_URL_FILE: join(dir, 'absent'),
      SUBGRAPH_TOKEN_KEY_FILE: file('short', 'c2hvcnQ=\n'),
    });
    expect(problems).toEqual([
      'JWT_SECRET: set either JWT_SECRET or JWT_SECRET_FILE, not both',
      `DATABASE_URL_FILE: cannot read ${join(dir, 'absent')} (ENOENT)`,
      'SUBGRAPH_TOKEN_KEY: 32 bytes or more, base64 (openssl rand -base64 32)',
    ]);
    expect(problems.join('\n')).not.toContain('c2hvcnQ');
  });
});
