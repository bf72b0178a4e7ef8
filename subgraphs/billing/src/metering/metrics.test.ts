import { describe, expect, it } from 'vitest';
import { TOPICS, toDictaMeshEvent, type AdapterEvent, type EntityChange, type OperationUsage } from '@dictamesh/events';
import { adapterActivity, bytesToGb, meterEvent, METERED_TYPES } from './metrics';

const RECEIVED = new Date('2026-03-10T12:00:05.000Z');

const operation = (overrides: Partial<OperationUsage> = {}): OperationUsage => ({
  org: 'acme',
  subject: 'user-1',
  operationName: 'Q',
  operationType: 'query',
  cost: 2.5,
  durationMs: 12,
  result: 'ok',
  errorCount: 0,
  occurredAt: '2026-03-10T12:00:00.000Z',
  ...overrides,
});
const adapter = (event: AdapterEvent['event'], status: AdapterEvent['status']): AdapterEvent => ({
  adapterId: 'crm-1',
  kind: 'rest-json',
  event,
  status,
  occurredAt: '2026-03-10T08:00:00.000Z',
});
const change: EntityChange = {
  urn: 'dictamesh:crm:account/1:contact:7',
  source: 'crm',
  entityType: 'contact',
  sourceId: '7',
  domain: 'sales',
  operation: 'created',
  attributes: {},
  relationships: [],
  occurredAt: '2020-01-01T00:00:00.000Z',
};

describe('meterEvent', () => {
  it('meters an operation as 1 GraphQL operation and its cost, for data.org at its start', () => {
    const event = toDictaMeshEvent(TOPICS.operationUsage, operation({ cost: 2.5 }), { id: 'op-1', source: '/gw', subject: 'acme' });
    expect(meterEvent(event, RECEIVED)).toEqual({
      source: '/gw',
      eventId: 'op-1',
      orgId: 'acme',
      occurredAt: new Date('2026-03-10T12:00:00.000Z'),
      values: [
        { metricCode: 'graphql_operations', value: '1' },
        { metricCode: 'cost_units', value: '2.5' },
      ],
    });
  });

  it('keeps the cost decimal exact (0.1 stays 0.1) and meters a cost of 0', () => {
    const cost = (c: number) =>
      meterEvent(toDictaMeshEvent(TOPICS.operationUsage, operation({ cost: c }), { id: 'x', source: '/gw' }), RECEIVED);
    expect(cost(0.1).values[1]).toEqual({ metricCode: 'cost_units', value: '0.1' });
    expect(cost(0).values[1]).toEqual({ metricCode: 'cost_units', value: '0' });
  });

  it('meters an entity change as 1 kafka event of its orgid at the instant the bus took it (not the source time)', () => {
    for (const type of [TOPICS.entityCreated, TOPICS.entityUpdated, TOPICS.entityDeleted] as const) {
      const event = toDictaMeshEvent(type, change, { id: `c-${type}`, source: '/crm', org: 'acme', subject: change.urn });
      expect(meterEvent(event, RECEIVED)).toMatchObject({
        orgId: 'acme',
        occurredAt: RECEIVED,
        values: [{ metricCode: 'kafka_events', value: '1' }],
      });
    }
    const noOrg = toDictaMeshEvent(TOPICS.entityUpdated, change, { id: 'c-2', source: '/crm' });
    expect(meterEvent(noOrg, RECEIVED).orgId).toBe('default');
  });

  it('meters an adapter event as the adapter state (1 active, 0 inactive) keyed by adapter id', () => {
    const event = toDictaMeshEvent(TOPICS.adapterEvent, adapter('registered', 'RUNNING'), { id: 'a-1', source: '/ad', org: 'acme' });
    expect(meterEvent(event, RECEIVED)).toEqual({
      source: '/ad',
      eventId: 'a-1',
      orgId: 'acme',
      occurredAt: new Date('2026-03-10T08:00:00.000Z'),
      values: [{ metricCode: 'active_adapters', value: '1', uniqueKey: 'crm-1' }],
    });
    const stopped = toDictaMeshEvent(TOPICS.adapterEvent, adapter('updated', 'STOPPED'), { id: 'a-2', source: '/ad' });
    expect(meterEvent(stopped, RECEIVED)).toMatchObject({ orgId: 'default', values: [{ value: '0', uniqueKey: 'crm-1' }] });
  });

  it('meters storage as decimal GB (bytes / 10^9) of data.org at the measurement instant', () => {
    const data = { org: 'globex', bytes: 1_234_567, measuredAt: '2026-03-10T13:00:00.000Z' };
    const event = toDictaMeshEvent(TOPICS.storageUsage, data, { id: 's-1', source: 'dictamesh:catalog', org: 'globex' });
    expect(meterEvent(event, RECEIVED)).toEqual({
      source: 'dictamesh:catalog',
      eventId: 's-1',
      orgId: 'globex',
      occurredAt: new Date('2026-03-10T13:00:00.000Z'),
      values: [{ metricCode: 'storage_gb', value: '0.001234567' }],
    });
  });

  it('refuses malformed data and unmetered types as BAD_USER_INPUT', () => {
    const bad = toDictaMeshEvent(TOPICS.operationUsage, operation({ cost: -1 }), { id: 'bad', source: '/gw' });
    expect(() => meterEvent(bad, RECEIVED)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', retryable: false }));
    const schema = toDictaMeshEvent(
      TOPICS.schemaChanged,
      {
        subject: 's',
        version: 1,
        format: 'JSON_SCHEMA',
        fingerprint: 'f'.repeat(64),
        definition: {},
        change: 'created',
        occurredAt: '2026-03-10T00:00:00Z',
      },
      { id: 'sc', source: '/cat' },
    );
    expect(() => meterEvent(schema, RECEIVED)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('adapterActivity', () => {
  it('is 1 for RUNNING or STARTING unless paused or removed, else 0', () => {
    expect(adapterActivity({ event: 'registered', status: 'STARTING' })).toBe(1);
    expect(adapterActivity({ event: 'sync.completed', status: 'RUNNING' })).toBe(1);
    expect(adapterActivity({ event: 'resumed', status: 'RUNNING' })).toBe(1);
    expect(adapterActivity({ event: 'paused', status: 'RUNNING' })).toBe(0);
    expect(adapterActivity({ event: 'removed', status: 'RUNNING' })).toBe(0);
    expect(adapterActivity({ event: 'health.changed', status: 'PAUSED' })).toBe(0);
    expect(adapterActivity({ event: 'sync.failed', status: 'FAILED' })).toBe(0);
    expect(adapterActivity({ event: 'updated', status: 'STOPPED' })).toBe(0);
  });
});

describe('bytesToGb', () => {
  it('divides by 10^9 exactly', () => {
    expect(bytesToGb(0)).toBe('0');
    expect(bytesToGb(1)).toBe('0.000000001');
    expect(bytesToGb(2_500_000_000)).toBe('2.5');
  });
});

it('meters the usage topics, the entity change topics and adapter events', () => {
  expect([...METERED_TYPES]).toEqual([
    'dictamesh.usage.operation',
    'dictamesh.entity.created',
    'dictamesh.entity.updated',
    'dictamesh.entity.deleted',
    'dictamesh.adapter.event',
    'dictamesh.usage.storage',
  ]);
});
