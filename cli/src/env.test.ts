import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADAPTER_HOST_DEFAULTS } from '@dictamesh/adapter-runtime';
import { RETRY_DEFAULTS } from '@dictamesh/events';
import { GATEWAY_DEFAULTS } from '@dictamesh/gateway';
import { DEFAULT_SERVER_LIMITS } from '@dictamesh/runtime';
import { parseStackEnv } from './env';

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
  it("are the packages' own (written once) and the ones README's configuration table lists", () => {
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

    // every row of README's table whose default is one plain value, e.g. | `GATEWAY_MAX_DEPTH` | `15` | …
    const parsed: Record<string, unknown> = Object.assign({}, ...Object.values(env));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\| `([^`]+)`(?: \([^)]*\))? +\|/gm)].filter(([, name]) =>
      ['number', 'string', 'boolean'].includes(typeof parsed[name!]),
    );
    expect(rows.length).toBeGreaterThan(40);
    for (const [, name, value] of rows) expect([name, String(parsed[name!])]).toEqual([name, value]);
  });
});

describe('DICTAMESH_SERVICES', () => {
  it('runs gateway, catalog, the adapter runtime, billing and config by default, and takes `webhooks` as the old name of `adapters`', () => {
    expect([...parseStackEnv({}).server.DICTAMESH_SERVICES]).toEqual(['gateway', 'catalog', 'adapters', 'billing', 'config']);
    expect([...parseStackEnv({ DICTAMESH_SERVICES: 'webhooks' }).server.DICTAMESH_SERVICES]).toEqual(['adapters']);
    expect([...parseStackEnv({ DICTAMESH_SERVICES: 'catalog,webhooks,adapters' }).server.DICTAMESH_SERVICES]).toEqual([
      'catalog',
      'adapters',
    ]);
    expect(problemsOf({ DICTAMESH_SERVICES: 'catalog,notifications' })[0]).toMatch(/^DICTAMESH_SERVICES/);
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_x' })[0]).toMatch(/^STRIPE_API_BASE_URL/);
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
