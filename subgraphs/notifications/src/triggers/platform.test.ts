import { describe, expect, it } from 'vitest';
import type { AdapterEvent } from '@dictamesh/events';
import { adapterNotice, deadLetterNotice } from './platform';

const base: AdapterEvent = {
  adapterId: 'crm-1',
  kind: 'chatwoot',
  event: 'health.changed',
  status: 'RUNNING',
  occurredAt: '2026-12-01T03:00:00.000Z',
};

describe('adapterNotice', () => {
  it('tells unhealthy (health false or FAILED) and failed syncs, nothing else', () => {
    expect(adapterNotice({ ...base, health: { healthy: false, message: 'HTTP 503 from Chatwoot' } })).toEqual({
      typeKey: 'adapter.unhealthy',
      variables: {
        adapterId: 'crm-1',
        kind: 'chatwoot',
        status: 'RUNNING',
        message: 'HTTP 503 from Chatwoot',
        occurredAt: '2026-12-01T03:00:00.000Z',
      },
    });
    expect(adapterNotice({ ...base, status: 'FAILED', error: 'crashed' })).toEqual({
      typeKey: 'adapter.unhealthy',
      variables: { adapterId: 'crm-1', kind: 'chatwoot', status: 'FAILED', message: 'crashed', occurredAt: '2026-12-01T03:00:00.000Z' },
    });
    expect(adapterNotice({ ...base, health: { healthy: false } })?.variables).not.toHaveProperty('message');
    expect(adapterNotice({ ...base, health: { healthy: true } })).toBeNull();
    expect(adapterNotice({ ...base, event: 'sync.failed', error: 'token expired' })).toEqual({
      typeKey: 'adapter.sync_failed',
      variables: { adapterId: 'crm-1', kind: 'chatwoot', error: 'token expired', occurredAt: '2026-12-01T03:00:00.000Z' },
    });
    expect(adapterNotice({ ...base, event: 'sync.completed' })).toBeNull();
  });
});

describe('deadLetterNotice', () => {
  const headers = {
    'dlq-error': 'column "x" does not exist',
    'dlq-original-topic': 'dictamesh.entity.updated',
    'dlq-original-partition': '3',
    'dlq-original-offset': '1200',
    'dlq-consumer-group': 'dictamesh-catalog',
    'dlq-attempts': '5',
  };
  it('reads the dlq-* headers; its id is the group and original position', () => {
    expect(deadLetterNotice({ headers, timestamp: Date.parse('2026-12-01T03:00:00.000Z'), partition: 0, offset: 9 })).toEqual({
      typeKey: 'dlq.dead_letter',
      eventId: 'dlq:dictamesh-catalog:dictamesh.entity.updated:3:1200',
      originalTopic: 'dictamesh.entity.updated',
      variables: {
        topic: 'dictamesh.entity.updated',
        consumerGroup: 'dictamesh-catalog',
        error: 'column "x" does not exist',
        attempts: 5,
        occurredAt: '2026-12-01T03:00:00.000Z',
      },
    });
  });
  it('is null without the headers of a dead letter', () => {
    expect(deadLetterNotice({ headers: {}, timestamp: 0, partition: 0, offset: 0 })).toBeNull();
    expect(deadLetterNotice({ headers: { ...headers, 'dlq-attempts': 'many' }, timestamp: 0, partition: 0, offset: 0 })).toBeNull();
  });
});
