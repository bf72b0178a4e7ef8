import { describe, expect, it } from 'vitest';
import { CliFailure } from '../../shell/failure';
import { failureLines } from '../../shell/print';
import { runCaptured } from '../../shell/test-run';
import { adapterCommand } from './index';
import { adapterTable } from './list';
import { withSecrets } from './register';
import type { AdapterView } from './view';

// nothing listens on port 9 (discard) of loopback: a command that got past its argument checks fails with GATEWAY_UNREACHABLE
const OFFLINE = ['--gateway', 'http://127.0.0.1:9/graphql'];
const run = (args: string[], files: Record<string, string> = {}) => runCaptured(adapterCommand, args, files);

const view = (over: Partial<AdapterView>): AdapterView => ({
  id: 'cw-main',
  kind: 'chatwoot',
  version: '1.0.0',
  status: 'RUNNING',
  secretFields: [],
  health: { healthy: true, message: null, checkedAt: '2026-12-01T07:00:00.000Z' },
  lastSync: { mode: 'BACKFILL', resource: null, entities: 321, pages: 7, durationMs: 2345 },
  lastSyncAt: '2026-12-01T06:59:00.000Z',
  errorCount: 0,
  lastError: null,
  ...over,
});

describe('dictamesh adapter arguments', () => {
  it('exits 2 on usage errors before calling the gateway', async () => {
    for (const args of [
      ['register', '--id', 'a', ...OFFLINE],
      ['register', '--kind', 'chatwoot', ...OFFLINE],
      ['register', '--kind', 'chatwoot', '--id', 'a', '--config', 'missing.yaml', ...OFFLINE],
      ['register', '--kind', 'chatwoot', '--id', 'a', '--config', 'list.yaml', ...OFFLINE],
      ['register', '--kind', 'chatwoot', '--id', 'a', '--config', 'broken.json', ...OFFLINE],
      ['register', '--kind', 'chatwoot', '--id', 'a', '--secret', 'token', ...OFFLINE],
      ['register', '--kind', 'chatwoot', '--id', 'a', '--secret', 'baseUrl.x=1', '--config', 'c.yaml', ...OFFLINE],
      ['list', '--api-key', 'dmk_a', '--token', 'ey', ...OFFLINE],
      ['pause', ...OFFLINE],
      ['remove', ...OFFLINE],
      ['nope'],
    ]) {
      const result = await run(args, { 'list.yaml': '- a\n- b\n', 'broken.json': '{"a": ', 'c.yaml': 'baseUrl: http://x\n' });
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.out).toBe('');
      expect(result.err).not.toContain('GATEWAY_UNREACHABLE');
    }
    expect((await run(['register', '--kind', 'k', '--id', 'a', '--secret', 'token', ...OFFLINE])).err).toBe(
      'error USAGE: --secret wants name=value (dotted names for nested fields), got "token"\n',
    );
  });

  it('refuses a bad kind for adapter new with one coded line (exit 1), writing nothing', async () => {
    expect(await run(['new', 'Bad_Kind', '--dir', '/nonexistent-dictamesh-dir'])).toEqual({
      code: 1,
      out: '',
      err: 'error BAD_USER_INPUT: Adapter kind "Bad_Kind" must be lower-case words joined by "-" (e.g. acme-crm)\n',
    });
  });

  it('exits 0 on --help with an example, and 1 with a coded line when the gateway does not answer', async () => {
    for (const sub of ['list', 'register', 'pause', 'resume', 'remove', 'new']) {
      const help = await run([sub, '--help']);
      expect({ sub, code: help.code }).toEqual({ sub, code: 0 });
      expect(help.out).toMatch(/\nExample:\n {2}\$ dictamesh adapter /);
    }
    for (const args of [['list'], ['pause', 'cw-main'], ['register', '--kind', 'chatwoot', '--id', 'a']]) {
      const offline = await run([...args, ...OFFLINE]);
      expect(offline.code).toBe(1);
      expect(offline.err).toMatch(/^error GATEWAY_UNREACHABLE: http:\/\/127\.0\.0\.1:9\/graphql: [^\n]+\n$/);
    }
  });
});

describe('dictamesh adapter output', () => {
  it('sets --secret fields, nested by dotted names, over the file, without changing the file', () => {
    const file = { baseUrl: 'http://x', auth: { type: 'bearer' } };
    expect(withSecrets(file, ['apiAccessToken=a=b', 'auth.token=t1', 'auth.token=t2', 'oauth.clientSecret='])).toEqual({
      baseUrl: 'http://x',
      apiAccessToken: 'a=b',
      auth: { type: 'bearer', token: 't2' },
      oauth: { clientSecret: '' },
    });
    expect(file).toEqual({ baseUrl: 'http://x', auth: { type: 'bearer' } });
  });

  it('lists adapters as a table: id, kind, status, health, last sync', () => {
    expect(
      adapterTable([
        view({}),
        view({
          id: 'rest-1',
          kind: 'rest-json',
          status: 'FAILED',
          health: { healthy: false, message: 'connect ECONNREFUSED', checkedAt: null },
          lastSync: null,
          lastSyncAt: null,
        }),
        view({ id: 'pg', kind: 'postgres-table', status: 'PAUSED', health: { healthy: null, message: null, checkedAt: null } }),
      ]),
    ).toEqual([
      'ID       KIND            STATUS   HEALTH                           LAST SYNC',
      'cw-main  chatwoot        RUNNING  ok                               2026-12-01T06:59:00.000Z BACKFILL 321 entities 7 pages 2.3s',
      'rest-1   rest-json       FAILED   unhealthy: connect ECONNREFUSED  never',
      'pg       postgres-table  PAUSED   unknown                          2026-12-01T06:59:00.000Z BACKFILL 321 entities 7 pages 2.3s',
    ]);
  });

  it('prints each problem of ADAPTER_CONFIG_INVALID on its own line', () => {
    const failure = new CliFailure('ADAPTER_CONFIG_INVALID', 'The configuration of chatwoot is invalid.', {
      problems: [
        { path: 'accountId', message: 'Too small: expected number to be >0' },
        { path: '', message: 'Unrecognized key: "colour"' },
      ],
    });
    expect(failureLines(failure)).toEqual([
      'error ADAPTER_CONFIG_INVALID: The configuration of chatwoot is invalid.',
      '  accountId: Too small: expected number to be >0',
      '  (root): Unrecognized key: "colour"',
    ]);
  });
});
