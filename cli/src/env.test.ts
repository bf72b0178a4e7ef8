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
