import { describe, expect, it } from 'vitest';
import { diffLines } from './diff';
import { documentEntryOf } from './export';
import { CliFailure } from '../../shell/failure';
import { failureLines } from '../../shell/print';
import { runConfig } from './test-io';

// nothing listens on port 9 (discard) of loopback: a command that got past its argument checks fails with GATEWAY_UNREACHABLE
const OFFLINE = ['--gateway', 'http://127.0.0.1:9/graphql'];
const scope = {
  level: 'SERVICE' as const,
  organizationId: 'acme',
  environment: 'production',
  service: 'gateway',
  component: null,
  path: 'org:acme/production/gateway',
};

describe('dictamesh config arguments', () => {
  it('exits 2 on usage errors before calling the gateway', async () => {
    for (const args of [
      ['set', 'k'],
      ['set', 'k', '{nope', ...OFFLINE],
      ['set', 'k', '1', '--expected-version', '-1', ...OFFLINE],
      ['diff', 'k', '1', 'x', ...OFFLINE],
      ['rollback', 'k', 'v2', ...OFFLINE],
      ['validate', ...OFFLINE],
      ['validate', 'k', ...OFFLINE],
      ['validate', 'k', '1', '--file', 'c.yaml', ...OFFLINE],
      ['validate', '--file', 'missing.yaml', ...OFFLINE],
      ['import', 'missing.yaml', ...OFFLINE],
      ['export', '--format', 'xml', ...OFFLINE],
      ['set', 'k', '1', '--schema', 'missing.json', ...OFFLINE],
      ['set', 'k', '1', '--api-key', 'dmk_a', '--token', 'ey', ...OFFLINE],
      ['nope'],
    ]) {
      const run = await runConfig(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.out).toBe('');
      expect(run.err).not.toContain('GATEWAY_UNREACHABLE');
    }
    expect((await runConfig(['set', 'k', '{nope', ...OFFLINE])).err).toMatch(/^error USAGE: <value-json> is not JSON/);
  });

  it('exits 0 on --help and 1 when the gateway does not answer', async () => {
    const help = await runConfig(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('rollback [options] <key> <version>');
    const offline = await runConfig(['get', ...OFFLINE]);
    expect(offline.code).toBe(1);
    expect(offline.err).toMatch(/^error GATEWAY_UNREACHABLE: http:\/\/127\.0\.0\.1:9\/graphql: /);
  });

  it('exits 1 on a document of the wrong shape, listing its problems', async () => {
    const run = await runConfig(['import', 'c.yaml', ...OFFLINE], { 'c.yaml': 'entries:\n  - value: 1\n' });
    expect(run.code).toBe(1);
    expect(run.err.split('\n')).toEqual([
      'error CONFIG_IMPORT_INVALID: c.yaml is not a configuration document ({ entries: [{ scope, key, kind, value, jsonSchema }] })',
      '  entries.0.key: Invalid input: expected string, received undefined',
      '',
    ]);
  });
});

describe('dictamesh config output', () => {
  it('prints a refusal with its code, violations by pointer and other details', () => {
    const failure = new CliFailure('CONFIG_VALIDATION_FAILED', 'The value breaks the schema.', {
      violations: [
        { pointer: '', keyword: 'required', message: "must have required property 'b'" },
        { pointer: '/a', keyword: 'minimum', message: 'must be >= 1' },
      ],
      key: 'limits',
    });
    expect(failureLines(failure)).toEqual([
      'error CONFIG_VALIDATION_FAILED: The value breaks the schema.',
      "  (value) required: must have required property 'b'",
      '  /a minimum: must be >= 1',
      '  {"key":"limits"}',
    ]);
  });

  it('prints a diff as JSON Patch lines and what else changed', () => {
    expect(
      diffLines({
        key: 'limits',
        scope,
        fromVersion: 1,
        toVersion: 3,
        operations: [
          { op: 'replace', path: '/a', from: null, value: 2 },
          { op: 'remove', path: '/b', from: null, value: null },
          { op: 'add', path: '/c/0', from: null, value: { d: true } },
        ],
        secretChanged: false,
        schemaChanged: true,
        kindChanged: false,
      }),
    ).toEqual([
      '--- limits org:acme/production/gateway v1 → v3',
      '{"op":"replace","path":"/a","value":2}',
      '{"op":"remove","path":"/b"}',
      '{"op":"add","path":"/c/0","value":{"d":true}}',
      '# schema changed',
    ]);
  });

  it('exports a secret as its placeholder, never its value, and the scope without the organisation', () => {
    const entry = { key: 'db.password', hasValue: true, redacted: false, jsonSchema: null, description: null, scope };
    expect(documentEntryOf({ ...entry, kind: 'SECRET', value: 'hunter2' })).toEqual({
      scope: { environment: 'production', service: 'gateway' },
      key: 'db.password',
      kind: 'SECRET',
      value: { $secret: 'redacted' },
    });
    expect(
      documentEntryOf({
        ...entry,
        kind: 'VALUE',
        hasValue: false,
        value: null,
        jsonSchema: { type: 'string' },
        scope: { ...scope, organizationId: null, level: 'PLATFORM', environment: null, service: null, path: 'platform' },
      }),
    ).toEqual({ scope: { platform: true }, key: 'db.password', kind: 'VALUE', jsonSchema: { type: 'string' } });
  });
});
