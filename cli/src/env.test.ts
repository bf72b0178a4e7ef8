import { describe, expect, it } from 'vitest';
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
