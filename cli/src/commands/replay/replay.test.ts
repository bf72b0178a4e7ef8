import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyTimestampedHmac } from '@dictamesh/adapter-sdk';
import { runCaptured } from '../../shell/test-run';
import { chatwootSignature } from './deliver';
import { replayProgram } from './index';
import { orderedGroups } from './order';
import { summaryLine } from './replay';
import { webhookUrl } from './url';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/chatwoot/webhooks', import.meta.url));
const base = { kind: 'chatwoot', webhooks: 'http://127.0.0.1:4002/webhooks' };

describe('dictamesh replay', () => {
  it('builds the webhook URL from --account, --adapter or --url, with no default target', () => {
    expect(webhookUrl({ ...base, account: '12' })).toBe('http://127.0.0.1:4002/webhooks/chatwoot/accounts/12');
    expect(webhookUrl({ ...base, adapter: 'cw-main', webhookToken: 't/k' })).toBe(
      'http://127.0.0.1:4002/webhooks/chatwoot/adapters/cw-main/t%2Fk',
    );
    expect(webhookUrl({ ...base, webhooks: 'https://hooks.example/webhooks/', adapter: 'cw-main' })).toBe(
      'https://hooks.example/webhooks/chatwoot/adapters/cw-main',
    );
    expect(webhookUrl({ ...base, url: 'http://127.0.0.1:9/x' })).toBe('http://127.0.0.1:9/x');
    expect(() => webhookUrl(base)).toThrow('say where to deliver: one of --account <n>, --adapter <id> or --url <webhook url>');
    expect(() => webhookUrl({ ...base, account: '12', adapter: 'a' })).toThrow(/say where to deliver/);
    expect(() => webhookUrl({ ...base, account: '0' })).toThrow('--account must be a positive integer, got "0"');
    expect(() => webhookUrl({ ...base, adapter: 'Bad_Id' })).toThrow(/--adapter must be an adapter id/);
  });

  it('keeps the deliveries of one conversation or contact in name order, and the others independent', () => {
    const files = readdirSync(FIXTURES)
      .sort()
      .map((name) => ({ name, body: readFileSync(join(FIXTURES, name), 'utf8') }));
    expect(orderedGroups([...files, { name: 'zz.json', body: '{nope' }])).toEqual([
      { key: 'contact:1190', files: ['contact_created.json'] },
      { key: 'contact:1187', files: ['contact_updated.json'] },
      {
        key: 'conversation:214',
        files: ['conversation_created.json', 'conversation_status_changed.json', 'conversation_updated.json', 'message_created.json'],
      },
      { key: 'file:inbox_created.json', files: ['inbox_created.json'] },
      { key: 'conversation:216', files: ['message_updated.json'] },
      { key: 'file:webwidget_triggered.json', files: ['webwidget_triggered.json'] },
      { key: 'file:zz.json', files: ['zz.json'] },
    ]);
  });

  it('signs as Chatwoot does (the SDK verifier accepts it)', () => {
    const body = Buffer.from('{"event":"contact_created"}');
    const headers = chatwootSignature('s3cret', body, 1_764_572_400_123);
    expect(headers['x-chatwoot-timestamp']).toBe('1764572400');
    expect(() =>
      verifyTimestampedHmac({
        secret: 's3cret',
        rawBody: body,
        signature: headers['x-chatwoot-signature'],
        timestamp: headers['x-chatwoot-timestamp'],
        now: 1_764_572_401_000,
      }),
    ).not.toThrow();
  });

  it('summarises counts and rate', () => {
    expect(summaryLine({ deliveries: 9, accepted: 7, ignored: 1, rejected: 1, events: 12 }, 1500)).toBe(
      '9 deliveries in 1.5 s (6/s): 7 accepted (12 entity change events), 1 ignored, 1 rejected',
    );
  });

  it('exits 2 without a target or with a bad --concurrency, and has --help with examples', async () => {
    for (const args of [
      [FIXTURES],
      [FIXTURES, '--account', '12', '--concurrency', '0'],
      [FIXTURES, '--account', 'x'],
      ['/no/such/dir', '--account', '12'],
    ]) {
      const run = await runCaptured(replayProgram, args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.out).toBe('');
    }
    expect((await runCaptured(replayProgram, [FIXTURES])).err).toBe(
      'error USAGE: say where to deliver: one of --account <n>, --adapter <id> or --url <webhook url>\n',
    );
    expect((await runCaptured(replayProgram, ['--help'])).out).toMatch(
      /\nExamples:\n {2}\$ dictamesh replay fixtures\/chatwoot\/webhooks --account 12\n/,
    );
  });
});
