import { describe, expect, it } from 'vitest';
import { runCaptured } from '../../shell/test-run';
import { changeLine, operationsOf, streamUrl } from './gateway-tail';
import { eventsCommand } from './index';

const OFFLINE = ['--gateway', 'http://127.0.0.1:9/graphql'];

describe('dictamesh events tail through the gateway', () => {
  it('streams from <gateway>/stream with entity change types as operations', () => {
    expect(streamUrl('http://127.0.0.1:4000/graphql')).toBe('http://127.0.0.1:4000/graphql/stream');
    expect(streamUrl('https://mesh.example/api/graphql/')).toBe('https://mesh.example/api/graphql/stream');
    expect(operationsOf(['dictamesh.entity.created', 'dictamesh.entity.deleted'])).toEqual(['CREATED', 'DELETED']);
    expect(() => operationsOf(['dictamesh.adapter.event'])).toThrow(
      /only entity changes stream: --type must be one of dictamesh\.entity\.created/,
    );
  });

  it('prints a change in the shape of the Kafka tail (topic, key, CloudEvent attributes and data)', () => {
    const line = changeLine({
      eventId: 'e1',
      operation: 'UPDATED',
      urn: 'dictamesh:chatwoot:account/12:contact:1187',
      type: 'contact',
      source: 'chatwoot',
      occurredAt: '2026-12-01T07:00:00.000Z',
      changedAttributes: ['name'],
      entity: { displayName: 'Ada', attributes: { name: 'Ada' } },
    });
    expect(JSON.parse(line)).toEqual({
      via: 'gateway',
      topic: 'dictamesh.entity.updated',
      key: 'dictamesh:chatwoot:account/12:contact:1187',
      event: {
        specversion: '1.0',
        id: 'e1',
        type: 'dictamesh.entity.updated',
        subject: 'dictamesh:chatwoot:account/12:contact:1187',
        time: '2026-12-01T07:00:00.000Z',
        data: {
          urn: 'dictamesh:chatwoot:account/12:contact:1187',
          source: 'chatwoot',
          entityType: 'contact',
          operation: 'updated',
          occurredAt: '2026-12-01T07:00:00.000Z',
          changedAttributes: ['name'],
          displayName: 'Ada',
          attributes: { name: 'Ada' },
        },
      },
    });
  });

  it('refuses Kafka-only flags through the gateway (exit 2), and fails with a coded line when the gateway does not answer', async () => {
    for (const args of [
      ['tail', '--topic', 'dictamesh.dlq', ...OFFLINE],
      ['tail', '--from-beginning', ...OFFLINE],
      ['tail', '--type', 'dictamesh.dlq', ...OFFLINE],
      ['tail', '--max', '0', ...OFFLINE],
    ]) {
      const run = await runCaptured(eventsCommand, args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
    }
    const help = await runCaptured(eventsCommand, ['tail', '--help']);
    expect(help.out).toMatch(/\nExamples:\n {2}\$ dictamesh events tail /);
    const offline = await runCaptured(eventsCommand, ['tail', '--timeout', '5', ...OFFLINE]);
    expect(offline).toMatchObject({ code: 1, out: '' });
    expect(offline.err).toMatch(/^error GATEWAY_UNREACHABLE: http:\/\/127\.0\.0\.1:9\/graphql\/stream: [^\n]+\n$/);
  });
});
