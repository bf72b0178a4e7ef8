import { describe, expect, it } from 'vitest';
import type { Principal } from '@dictamesh/runtime';
import { grantableScopes, holdsScope } from './scopes';

const principal = (...scopes: string[]): Principal => ({ subject: 'u', org: 'acme', scopes, method: 'jwt' });
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown>; message: string };
  }
  throw new Error('expected a refusal');
};

describe('holdsScope', () => {
  it('follows the policy: platform holds every scope, admin every scope but platform, others what they have', () => {
    expect(holdsScope(principal('dictamesh:platform'), 'dictamesh:platform')).toBe(true);
    expect(holdsScope(principal('dictamesh:platform'), 'adapters:write')).toBe(true);
    expect(holdsScope(principal('dictamesh:admin'), 'dead-letters:write')).toBe(true);
    expect(holdsScope(principal('dictamesh:admin'), 'dictamesh:platform')).toBe(false);
    expect(holdsScope(principal('adapters:read'), 'adapters:read')).toBe(true);
    expect(holdsScope(principal('adapters:read'), 'adapters:write')).toBe(false);
    expect(holdsScope(principal('adapters:read'), 'dictamesh:admin')).toBe(false);
  });
});

describe('grantableScopes', () => {
  it('refuses every scope the caller lacks, naming them all (FORBIDDEN)', () => {
    const refused = failure(() => grantableScopes(principal('adapters:read'), ['adapters:read', 'adapters:write', 'dictamesh:admin']));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { field: 'scopes', scopes: ['adapters:write', 'dictamesh:admin'] } });
  });

  it('bounds the number and the length of scopes, and cuts what it repeats of them', () => {
    expect(failure(() => grantableScopes(principal('dictamesh:platform'), Array(33).fill('a')))).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { limit: 32, actual: 33 },
    });
    expect(grantableScopes(principal('dictamesh:platform'), Array(32).fill('a'))).toEqual(['a']);
    expect(grantableScopes(principal('dictamesh:platform'), ['a'.repeat(64)])).toEqual(['a'.repeat(64)]);
    const long = failure(() => grantableScopes(principal('dictamesh:platform'), ['a'.repeat(65), 'b'.repeat(100_000)]));
    expect(long.code).toBe('BAD_USER_INPUT');
    expect(long.message.length).toBeLessThan(600);
    expect(long.details.scopes).toEqual(['a'.repeat(65), `${'b'.repeat(200)}…`]);
  });
});
