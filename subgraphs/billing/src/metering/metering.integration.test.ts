import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import {
  drain,
  InProcessEventBus,
  TOPICS,
  toDictaMeshEvent,
  type AdapterEvent,
  type BusRecord,
  type EntityChange,
  type EventType,
  type EventDataOf,
  type OperationUsage,
} from '@dictamesh/events';
import { createLogger } from '@dictamesh/runtime';
import { startConsumer } from '@dictamesh/subgraph-kit';
import { aggregateUsage } from './aggregate';
import { BILLING_METERING_CONSUMER_GROUP, billingMetering } from './consumer';
import { recordUsage, releaseParkedUsage } from './record-usage';
import type { UsageThresholdReached } from './thresholds';

let db: Database;
const log = createLogger('billing-test', 'silent');
const NOW = new Date('2026-03-15T12:00:00.000Z');
const now = () => NOW;
let offset = 0;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await db.prisma.organization.createMany({
    data: ['acme', 'globex', 'agg', 'quota'].map((id) => ({ id, name: id })),
  });
});
afterAll(() => db.close());

/** A bus record of a DictaMesh event. */
function record<T extends EventType>(
  type: T,
  data: EventDataOf[T],
  id: string,
  options: { org?: string; source?: string; at?: string } = {},
): BusRecord {
  const event = toDictaMeshEvent(type, data, { id, source: options.source ?? '/test', ...(options.org ? { org: options.org } : {}) });
  return {
    topic: type,
    partition: 0,
    offset: offset++,
    key: id,
    event,
    headers: {},
    timestamp: Date.parse(options.at ?? '2026-03-10T12:00:00Z'),
  };
}
const operation = (org: string, id: string, cost = 1, occurredAt = '2026-03-10T12:00:00.000Z') =>
  record(
    TOPICS.operationUsage,
    {
      org,
      subject: 'u',
      operationName: 'Q',
      operationType: 'query',
      cost,
      durationMs: 3,
      result: 'ok',
      errorCount: 0,
      occurredAt,
    } satisfies OperationUsage,
    id,
    { source: '/gw' },
  );
const change = (org: string, id: string, at: string): BusRecord =>
  record(
    TOPICS.entityCreated,
    {
      urn: `dictamesh:crm:a/1:contact:${id}`,
      source: 'crm',
      entityType: 'contact',
      sourceId: id,
      domain: 'sales',
      operation: 'created',
      attributes: {},
      relationships: [],
      occurredAt: '2020-01-01T00:00:00.000Z',
    } satisfies EntityChange,
    id,
    { org, source: '/crm', at },
  );
const adapterEvent = (
  org: string,
  id: string,
  adapterId: string,
  event: AdapterEvent['event'],
  status: AdapterEvent['status'],
  occurredAt: string,
) =>
  record(TOPICS.adapterEvent, { adapterId, kind: 'rest-json', event, status, occurredAt }, id, { org, source: `/adapters/${adapterId}` });
const storage = (org: string, id: string, bytes: number, measuredAt: string) =>
  record(TOPICS.storageUsage, { org, bytes, measuredAt }, id, { org, source: 'dictamesh:catalog' });

const rows = (orgId: string) =>
  db.prisma.usageRecord.findMany({
    where: { orgId },
    orderBy: [{ eventId: 'asc' }, { metricCode: 'asc' }],
    select: { source: true, eventId: true, metricCode: true, value: true, uniqueKey: true, occurredAt: true },
  });
const plain = (r: Awaited<ReturnType<typeof rows>>) => r.map((x) => ({ ...x, value: x.value.toString() }));
const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe('recordUsage', () => {
  it('meters each event type into its metric and reports the lag of the oldest', async () => {
    const lags: Array<[number, number]> = [];
    const batch = [
      operation('acme', 'op-1', 2.5),
      change('acme', 'ch-1', '2026-03-10T12:00:01.000Z'),
      adapterEvent('acme', 'ad-1', 'crm-1', 'registered', 'RUNNING', '2026-03-10T08:00:00.000Z'),
      storage('acme', 'st-1', 3_000_000, '2026-03-10T13:00:00.000Z'),
    ];
    const result = await recordUsage(db.prisma, batch, { now, onRecorded: (n, lag) => lags.push([n, lag]) });
    expect(result).toEqual({ recorded: 4, duplicates: 0, parked: 0, orgIds: ['acme'] });
    expect(lags).toEqual([[4, 5 * 86_400_000 + 4 * 3_600_000]]); // 2026-03-15T12:00 − 2026-03-10T08:00
    expect(plain(await rows('acme'))).toEqual([
      {
        source: '/adapters/crm-1',
        eventId: 'ad-1',
        metricCode: 'active_adapters',
        value: '1',
        uniqueKey: 'crm-1',
        occurredAt: new Date('2026-03-10T08:00:00Z'),
      },
      {
        source: '/crm',
        eventId: 'ch-1',
        metricCode: 'kafka_events',
        value: '1',
        uniqueKey: null,
        occurredAt: new Date('2026-03-10T12:00:01Z'),
      },
      {
        source: '/gw',
        eventId: 'op-1',
        metricCode: 'cost_units',
        value: '2.5',
        uniqueKey: null,
        occurredAt: new Date('2026-03-10T12:00:00Z'),
      },
      {
        source: '/gw',
        eventId: 'op-1',
        metricCode: 'graphql_operations',
        value: '1',
        uniqueKey: null,
        occurredAt: new Date('2026-03-10T12:00:00Z'),
      },
      {
        source: 'dictamesh:catalog',
        eventId: 'st-1',
        metricCode: 'storage_gb',
        value: '0.003',
        uniqueKey: null,
        occurredAt: new Date('2026-03-10T13:00:00Z'),
      },
    ]);
    expect(await aggregateUsage(db.prisma, { orgId: 'acme', ...MARCH })).toEqual({
      graphql_operations: '1',
      cost_units: '2.5',
      kafka_events: '1',
      active_adapters: '1',
      storage_gb: '0.003',
    });

    // the same batch again (a replay), and a batch repeating one event twice: nothing counted twice
    const seen: number[] = [];
    const again = await recordUsage(db.prisma, [...batch, operation('acme', 'op-2', 1), operation('acme', 'op-2', 1)], {
      now,
      onDuplicates: (count) => seen.push(count),
    });
    expect(again).toEqual({ recorded: 1, duplicates: 5, parked: 0, orgIds: ['acme'] });
    expect(seen).toEqual([5]);
    expect(await aggregateUsage(db.prisma, { orgId: 'acme', metricCodes: ['graphql_operations', 'cost_units'], ...MARCH })).toEqual({
      graphql_operations: '2',
      cost_units: '3.5',
    });
  });

  it('refuses a batch with a malformed usage event as BAD_USER_INPUT and writes nothing of it', async () => {
    const before = await db.prisma.usageRecord.count();
    const bad = operation('globex', 'op-bad', -3);
    await expect(recordUsage(db.prisma, [operation('globex', 'op-good'), bad], { now })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      retryable: false,
    });
    expect(await db.prisma.usageRecord.count()).toBe(before);
    expect(await db.prisma.parkedUsage.count({ where: { eventId: { in: ['op-good', 'op-bad'] } } })).toBe(0);
  });

  it('parks the usage of an unknown organisation, keeps it once, and meters it when the organisation exists', async () => {
    const parkedCalls: number[] = [];
    const batch = [operation('initech', 'p-op', 4), change('initech', 'p-ch', '2026-03-11T09:30:00.000Z'), operation('globex', 'g-op', 1)];
    expect(await recordUsage(db.prisma, batch, { now, onParked: (n) => parkedCalls.push(n) })).toEqual({
      recorded: 1,
      duplicates: 0,
      parked: 2,
      orgIds: ['globex'],
    });
    expect(await recordUsage(db.prisma, batch, { now, onParked: (n) => parkedCalls.push(n) })).toEqual({
      recorded: 0,
      duplicates: 3,
      parked: 0,
      orgIds: ['globex'],
    });
    expect(parkedCalls).toEqual([2]);
    expect(await db.prisma.parkedUsage.count({ where: { orgId: 'initech', reason: 'organization_unknown', releasedAt: null } })).toBe(2);
    expect(await db.prisma.usageRecord.count({ where: { orgId: 'initech' } })).toBe(0);
    await expect(releaseParkedUsage(db.prisma, 'initech')).rejects.toMatchObject({ code: 'ORGANIZATION_UNKNOWN' });

    await db.prisma.organization.create({ data: { id: 'initech', name: 'Initech' } });
    const releasedAt = new Date('2026-03-16T00:00:00Z');
    expect(await releaseParkedUsage(db.prisma, 'initech', { now: () => releasedAt, batchSize: 1 })).toEqual({ released: 2, recorded: 2 });
    expect(await releaseParkedUsage(db.prisma, 'initech')).toEqual({ released: 0, recorded: 0 });
    expect(await db.prisma.parkedUsage.count({ where: { orgId: 'initech', releasedAt } })).toBe(2);
    expect(
      await aggregateUsage(db.prisma, { orgId: 'initech', metricCodes: ['graphql_operations', 'cost_units', 'kafka_events'], ...MARCH }),
    ).toEqual({
      graphql_operations: '1',
      cost_units: '4',
      kafka_events: '1',
    });
    // the entity change counts at the instant the bus took it
    expect((await db.prisma.usageRecord.findFirst({ where: { eventId: 'p-ch' } }))?.occurredAt).toEqual(new Date('2026-03-11T09:30:00Z'));
    // redelivered now that the organisation exists: already metered
    expect(await recordUsage(db.prisma, batch, { now })).toMatchObject({ recorded: 0, duplicates: 3, parked: 0 });
  });
});

describe('billingMetering consumer', () => {
  it('meters what the bus delivers once, also when a new consumer on a new bus gets the same events again', async () => {
    const events = () => [
      operation('globex', 'c-op-1', 1.25),
      operation('globex', 'c-op-2', 0.75),
      change('globex', 'c-ch-1', '2026-03-12T00:00:00Z'),
    ];
    const run = async () => {
      const bus = new InProcessEventBus({ partitions: 2, log });
      const consumer = await startConsumer(bus, billingMetering({ prisma: db.prisma, log, now }));
      for (const r of events()) await bus.publish(r.topic, [{ key: r.key, event: r.event }]);
      expect(await drain(bus, BILLING_METERING_CONSUMER_GROUP, 10_000)).toBe(true);
      await consumer.stop();
      await bus.close();
      // the entity change counts when the bus took it (now, on the wall clock)
      const until = new Date('2100-01-01T00:00:00Z');
      return aggregateUsage(db.prisma, {
        orgId: 'globex',
        metricCodes: ['graphql_operations', 'cost_units', 'kafka_events'],
        from: MARCH.from,
        to: until,
      });
    };
    const expected = { graphql_operations: '3', cost_units: '3', kafka_events: '1' }; // g-op (1) + 1.25 + 0.75
    expect(await run()).toEqual(expected);
    expect(await run()).toEqual(expected);
  });
});

describe('aggregateUsage', () => {
  const at = (iso: string) => new Date(iso);
  beforeAll(async () => {
    await db.prisma.billableMetric.create({ data: { code: 'test_users', name: 'Users', aggregation: 'UNIQUE_COUNT', unit: 'users' } });
    const r = (eventId: string, metricCode: string, value: string, occurredAt: string, uniqueKey: string | null = null, orgId = 'agg') => ({
      source: '/hand',
      eventId,
      metricCode,
      orgId,
      value,
      uniqueKey,
      occurredAt: at(occurredAt),
    });
    await db.prisma.usageRecord.createMany({
      data: [
        // COUNT / SUM: Feb and the instant Apr 1 00:00 are outside March
        r('o0', 'graphql_operations', '1', '2026-02-28T23:59:59.999Z'),
        r('o1', 'graphql_operations', '1', '2026-03-01T00:00:00.000Z'),
        r('o2', 'graphql_operations', '1', '2026-03-14T10:00:00.000Z'),
        r('o3', 'graphql_operations', '1', '2026-03-31T23:59:59.999Z'),
        r('o4', 'graphql_operations', '1', '2026-04-01T00:00:00.000Z'),
        r('o0', 'cost_units', '100', '2026-02-28T23:59:59.999Z'),
        r('o1', 'cost_units', '1.5', '2026-03-01T00:00:00.000Z'),
        r('o2', 'cost_units', '2.25', '2026-03-14T10:00:00.000Z'),
        r('o3', 'cost_units', '0.125', '2026-03-31T23:59:59.999Z'),
        r('o4', 'cost_units', '100', '2026-04-01T00:00:00.000Z'),
        // UNIQUE_COUNT: u1, u2 in March (u1 twice, a keyless one), u3 in Feb only
        r('u0', 'test_users', '1', '2026-02-20T00:00:00Z', 'u3'),
        r('u1', 'test_users', '1', '2026-03-02T00:00:00Z', 'u1'),
        r('u2', 'test_users', '1', '2026-03-03T00:00:00Z', 'u2'),
        r('u3', 'test_users', '1', '2026-03-04T00:00:00Z', 'u1'),
        r('u4', 'test_users', '1', '2026-03-05T00:00:00Z'),
        // MAX (active adapters): Feb ends with a1, a2 active (a3 came and went) → 2 carried into March
        r('a1', 'active_adapters', '1', '2026-02-10T00:00:00Z', 'a1'),
        r('a2', 'active_adapters', '1', '2026-02-12T00:00:00Z', 'a2'),
        r('a3', 'active_adapters', '1', '2026-02-20T00:00:00Z', 'a3'),
        r('a4', 'active_adapters', '0', '2026-02-25T00:00:00Z', 'a3'),
        r('a5', 'active_adapters', '0', '2026-03-05T00:00:00Z', 'a2'), // → 1
        r('a6', 'active_adapters', '1', '2026-03-10T00:00:00Z', 'a3'), // same instant as a7
        r('a7', 'active_adapters', '1', '2026-03-10T00:00:00Z', 'a4'), // → 3
        r('a8', 'active_adapters', '1', '2026-03-12T00:00:00Z', 'a3'), // a3 still active: 3
        r('a9', 'active_adapters', '0', '2026-03-15T00:00:00Z', 'a1'), // → 2
        // LATEST (storage): 5.5 carried from Feb; 7.25, 6 in March; 9 measured at Apr 1 00:00
        r('s1', 'storage_gb', '5.5', '2026-02-28T00:00:00Z'),
        r('s2', 'storage_gb', '7.25', '2026-03-03T00:00:00Z'),
        r('s3', 'storage_gb', '6', '2026-03-31T23:00:00Z'),
        r('s4', 'storage_gb', '9', '2026-04-01T00:00:00Z'),
      ],
    });
  });
  const agg = (from: string, to: string, metricCodes?: string[]) =>
    aggregateUsage(db.prisma, { orgId: 'agg', from: at(from), to: at(to), ...(metricCodes ? { metricCodes } : {}) });

  it('aggregates every metric of March by its aggregation', async () => {
    expect(await agg('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual({
      graphql_operations: '3',
      cost_units: '3.875',
      kafka_events: '0',
      test_users: '2',
      active_adapters: '3',
      storage_gb: '9', // at or before `to`
    });
  });

  it('carries the state of MAX and LATEST in from before the period', async () => {
    const states = (from: string, to: string) => agg(from, to, ['active_adapters', 'storage_gb']);
    expect(await states('2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z')).toEqual({ active_adapters: '2', storage_gb: '7.25' });
    expect(await states('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z')).toEqual({ active_adapters: '2', storage_gb: '5.5' });
    expect(await states('2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual({ active_adapters: '1', storage_gb: '7.25' });
    expect(await states('2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z')).toEqual({ active_adapters: '3', storage_gb: '7.25' });
    expect(await states('2026-03-20T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual({ active_adapters: '2', storage_gb: '7.25' });
    expect(await states('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual({ active_adapters: '2', storage_gb: '9' });
    expect(await states('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual({ active_adapters: '0', storage_gb: '0' });
  });

  it('aggregates a period with nothing to 0, and refuses an unknown metric', async () => {
    expect(await agg('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', ['graphql_operations', 'test_users'])).toEqual({
      graphql_operations: '0',
      test_users: '0',
    });
    await expect(agg('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', ['nope'])).rejects.toMatchObject({ code: 'METRIC_UNKNOWN' });
  });
});

describe('usage thresholds', () => {
  it('emits 80 % and 100 % of the included units once each per period', async () => {
    const plan = await db.prisma.billingPlan.create({
      data: {
        code: 'quota-plan',
        name: 'Quota',
        currency: 'USD',
        interval: 'MONTHLY',
        fixedAmount: '10',
        charges: {
          create: [
            {
              metricCode: 'graphql_operations',
              description: 'Operations',
              pricing: { model: 'standard', unitPrice: '0.001' },
              includedUnits: '10',
              position: 1,
            },
            { metricCode: 'kafka_events', description: 'Events', pricing: { model: 'standard', unitPrice: '0.001' }, position: 2 },
          ],
        },
      },
    });
    const subscription = await db.prisma.billingSubscription.create({
      data: {
        orgId: 'quota',
        planId: plan.id,
        status: 'ACTIVE',
        anchorAt: MARCH.from,
        currentPeriodStart: MARCH.from,
        currentPeriodEnd: MARCH.to,
      },
    });
    const emitted: UsageThresholdReached[] = [];
    const spec = billingMetering({ prisma: db.prisma, log, now, emit: (event) => void emitted.push(event) });
    const ops = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => operation('quota', `q-${from + i}`));
    await spec.write(ops(1, 7)); // 70 %
    expect(emitted).toEqual([]);
    await spec.write([...ops(8, 8), change('quota', 'q-ch', '2026-03-12T00:00:00Z')]); // 80 %
    await spec.write(ops(9, 9)); // 90 %
    await spec.write(ops(8, 9)); // replay
    const alert = {
      orgId: 'quota',
      subscriptionId: subscription.id,
      metricCode: 'graphql_operations',
      included: '10',
      periodStart: MARCH.from,
      periodEnd: MARCH.to,
    };
    expect(emitted).toEqual([{ ...alert, threshold: 80, usage: '8' }]);
    await spec.write(ops(10, 12)); // 120 %
    await spec.write(ops(13, 13));
    expect(emitted).toEqual([
      { ...alert, threshold: 80, usage: '8' },
      { ...alert, threshold: 100, usage: '12' },
    ]);
    expect(
      await db.prisma.usageThresholdAlert.findMany({
        orderBy: { threshold: 'asc' },
        select: { threshold: true, metricCode: true, periodStart: true },
      }),
    ).toEqual([
      { threshold: 80, metricCode: 'graphql_operations', periodStart: MARCH.from },
      { threshold: 100, metricCode: 'graphql_operations', periodStart: MARCH.from },
    ]);
  });
});
