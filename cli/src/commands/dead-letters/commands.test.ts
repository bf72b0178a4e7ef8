import { describe, expect, it } from 'vitest';
import { runCaptured } from '../../shell/test-run';
import { deadLettersCommand } from './index';
import { deadLetterTable } from './list';
import { deadLetterLines } from './show';
import type { DeadLetterView } from './view';

const OFFLINE = ['--gateway', 'http://127.0.0.1:9/graphql'];
const run = (args: string[]) => runCaptured(deadLettersCommand, args);

const letter: DeadLetterView = {
  id: '0b6f3c1e-0000-4000-8000-000000000001',
  eventId: 'evt-1',
  eventType: 'dictamesh.entity.updated',
  subject: 'dictamesh:crm:account:1',
  error: `DictaMeshError: ${'x'.repeat(80)}`,
  attempts: 5,
  consumerGroup: 'dictamesh-catalog',
  topic: 'dictamesh.entity.updated',
  partition: 2,
  offset: '41',
  status: 'PENDING',
  createdAt: '2026-12-01T07:00:00.000Z',
  resolvedAt: null,
};

describe('dictamesh dead-letters arguments', () => {
  it('exits 2 on usage errors before calling the gateway', async () => {
    for (const args of [
      ['replay', ...OFFLINE],
      ['discard', ...OFFLINE],
      ['replay', 'id-1', '--all', '--yes', ...OFFLINE],
      ['replay', 'id-1', '--status', 'REPLAYED', ...OFFLINE],
      ['replay', '--all', '--status', 'GONE', ...OFFLINE],
      ['list', '--first', '0', ...OFFLINE],
      ['list', '--first', '501', ...OFFLINE],
      ['list', '--status', 'LOST', ...OFFLINE],
      ['show', ...OFFLINE],
    ]) {
      const result = await run(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.out).toBe('');
      expect(result.err).not.toContain('GATEWAY_UNREACHABLE');
    }
    expect((await run(['replay', ...OFFLINE])).err).toBe('error USAGE: give the ids of the dead letters to replay, or --all --yes\n');
  });

  it('exits 0 on --help with an example, and 1 with a coded line when the gateway does not answer', async () => {
    for (const sub of ['list', 'show', 'replay', 'discard']) {
      const help = await run([sub, '--help']);
      expect({ sub, code: help.code }).toEqual({ sub, code: 0 });
      expect(help.out).toMatch(/\nExamples?:\n {2}\$ dictamesh dead-letters /);
    }
    for (const args of [['list'], ['show', 'x'], ['replay', '--all', '--yes'], ['discard', 'x']]) {
      const offline = await run([...args, ...OFFLINE]);
      expect({ args, code: offline.code }).toEqual({ args, code: 1 });
      expect(offline.err).toMatch(/^error GATEWAY_UNREACHABLE: http:\/\/127\.0\.0\.1:9\/graphql: [^\n]+\n$/);
    }
  });
});

describe('dictamesh dead-letters output', () => {
  it('lists dead letters as a table with the error cut to 60 characters', () => {
    expect(deadLetterTable([letter, { ...letter, id: 'b', subject: null, error: 'boom', attempts: 1 }])).toEqual([
      'ID                                    CREATED                   TYPE                      SUBJECT                  GROUP              ATTEMPTS  ERROR',
      `0b6f3c1e-0000-4000-8000-000000000001  2026-12-01T07:00:00.000Z  dictamesh.entity.updated  dictamesh:crm:account:1  dictamesh-catalog  5         DictaMeshError: ${'x'.repeat(43)}…`,
      'b                                     2026-12-01T07:00:00.000Z  dictamesh.entity.updated  -                        dictamesh-catalog  1         boom',
    ]);
  });

  it('shows one dead letter with its DLQ headers and CloudEvent', () => {
    expect(
      deadLetterLines({ ...letter, error: 'boom', status: 'REPLAYED', resolvedAt: '2026-12-01T08:00:00.000Z', event: { id: 'evt-1' } }),
    ).toEqual([
      'id: 0b6f3c1e-0000-4000-8000-000000000001',
      'status: REPLAYED (recorded 2026-12-01T07:00:00.000Z, resolved 2026-12-01T08:00:00.000Z)',
      'event: evt-1 dictamesh.entity.updated dictamesh:crm:account:1',
      'headers:',
      '  dlq-error: boom',
      '  dlq-consumer-group: dictamesh-catalog',
      '  dlq-attempts: 5',
      '  dlq-original-topic: dictamesh.entity.updated',
      '  dlq-original-partition: 2',
      '  dlq-original-offset: 41',
      'cloudevent:',
      '  {',
      '    "id": "evt-1"',
      '  }',
    ]);
  });
});
