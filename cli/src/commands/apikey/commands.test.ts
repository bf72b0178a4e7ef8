import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../../shell/test-run';
import { CliFailure } from '../../shell/failure';
import { apikeyCommand } from './index';
import { keyLine } from './list';
import { parseScopes, SCOPE_CATALOGUE } from './scopes';

// nothing listens on port 9 of loopback: a command that got past its checks fails DATABASE_UNREACHABLE
const OFFLINE = { DATABASE_URL: 'postgres://u:p@127.0.0.1:9/none' };
const apikey = (args: string[], env: Record<string, string> = OFFLINE) => runCaptured((io) => apikeyCommand(io, env), args);

describe('dictamesh apikey arguments', () => {
  it('exits 2 on usage errors, before the database', async () => {
    for (const args of [
      ['create', '--scopes', 'dictamesh:admin'],
      ['create', '--org', 'acme'],
      ['create', '--org', 'acme', '--scopes', ' , '],
      ['create', '--org', 'acme', '--scopes', 'dictamesh:admin', '--name', '-bad name!'],
      ['list'],
      ['revoke'],
      ['nope'],
    ]) {
      const run = await apikey(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.out).toBe('');
      expect(run.err).not.toContain('DATABASE_UNREACHABLE');
    }
  });

  it('refuses unknown scopes with SCOPE_UNKNOWN (exit 1) before opening the database', async () => {
    const run = await apikey(['create', '--org', 'acme', '--scopes', 'dictamesh:admin,adapters:rule,root']);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error SCOPE_UNKNOWN: unknown scopes adapters:rule, root; known: ${SCOPE_CATALOGUE.join(', ')}\n`);
  });

  it('names the database it cannot reach in one line (exit 1)', async () => {
    const run = await apikey(['list', '--org', 'acme']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^error DATABASE_UNREACHABLE: Postgres \(DATABASE_URL\): .*ECONNREFUSED.*\n$/);
  });

  it('refuses an invalid configuration with CONFIGURATION_INVALID and its problems', async () => {
    const run = await apikey(['list', '--org', 'acme'], { DATABASE_URL: 'not a url' });
    expect(run.code).toBe(1);
    expect(run.err.split('\n')).toEqual(['error CONFIGURATION_INVALID: Invalid configuration:', '  DATABASE_URL: Invalid URL', '']);
  });

  it('shows an example in the help of every subcommand', async () => {
    for (const sub of ['create', 'list', 'revoke']) {
      const help = await apikey([sub, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Example:\n  $ dictamesh apikey ${sub} `);
    }
  });
});

describe('scopes', () => {
  it('parses a comma-separated list without duplicates, refusing unknown names', () => {
    expect(parseScopes(' dictamesh:admin, adapters:read,dictamesh:admin ')).toEqual(['dictamesh:admin', 'adapters:read']);
    expect(() => parseScopes('')).toThrow(CliFailure);
    expect(() => parseScopes('dictamesh:root')).toThrow('unknown scope dictamesh:root; known: dictamesh:platform');
  });

  it('knows every scope a subgraph SDL requires', () => {
    const dir = fileURLToPath(new URL('../../../../schemas/subgraphs/', import.meta.url));
    const required = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
      for (const [, list] of readFileSync(`${dir}${file}`, 'utf8').matchAll(/@requiresScopes\(scopes: (\[[^)]*\])\)/g))
        for (const [, scope] of list!.matchAll(/"([^"]+)"/g)) required.add(scope!);
    }
    expect(required.size).toBeGreaterThan(10);
    expect([...required].filter((s) => !SCOPE_CATALOGUE.includes(s))).toEqual([]);
  });
});

describe('apikey list output', () => {
  it('prints one line per key, revoked ones marked', () => {
    const createdAt = new Date('2026-12-01T08:00:00.000Z');
    expect(keyLine({ id: 'abc', org: 'acme', name: 'ci', scopes: ['a:b', 'c:d'], createdAt, revokedAt: null })).toBe(
      'abc  ci  a:b,c:d  created 2026-12-01T08:00:00.000Z',
    );
    expect(keyLine({ id: 'abc', org: 'acme', name: 'ci', scopes: ['a:b'], createdAt, revokedAt: createdAt })).toBe(
      'abc  ci  a:b  created 2026-12-01T08:00:00.000Z  revoked 2026-12-01T08:00:00.000Z',
    );
  });
});
