import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createBusOutbox, openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus, TOPICS, type BusRecord, type EventBus } from '@dictamesh/events';
import { enqueueEvent, OutboxRelay } from './outbox';

const log = pino({ level: 'silent' });
let db: Database;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
});
afterAll(async () => {
  await db.close();
});

function threshold(org: string) {
  return {
    org,
    subscriptionId: 'sub-1',
    metricCode: 'graphql_operations',
    threshold: 80 as const,
    usage: '800',
    included: '1000',
    periodStart: '2026-11-01T00:00:00.000Z',
    periodEnd: '2026-12-01T00:00:00.000Z',
    occurredAt: '2026-11-20T00:00:00.000Z',
  };
}

describe('billing outbox', () => {
  it('keeps an event only when its transaction commits, then publishes it once, keyed by organisation', async () => {
    const bus = new InProcessEventBus();
    const seen: BusRecord[] = [];
    await bus.subscribe({ groupId: 't', topics: [TOPICS.usageThresholdReached], eachBatch: async (r) => void seen.push(...r) });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await enqueueEvent(tx, TOPICS.usageThresholdReached, threshold('acme'), { org: 'acme', subject: 'x', id: 'rolled-back' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await db.prisma.$transaction((tx) =>
      enqueueEvent(tx, TOPICS.usageThresholdReached, threshold('acme'), { org: 'acme', subject: 'sub-1', id: 'committed' }),
    );
    const relay = new OutboxRelay({ db, bus, log });
    expect(await relay.flush()).toBe(1);
    expect(await relay.flush()).toBe(0);
    await bus.close();
    expect(seen.map((r) => [r.key, r.event.id, r.event.type, r.event.source, (r.event as { orgid?: string }).orgid])).toEqual([
      ['acme', 'committed', 'dictamesh.billing.usage.threshold_reached', 'dictamesh:billing', 'acme'],
    ]);
    expect(await db.prisma.billingOutboxRecord.count()).toBe(0);
  });

  it("carries the organisation's billing email (null without one) unless the data names one", async () => {
    await db.prisma.organization.createMany({
      data: [
        { id: 'mailed', name: 'Mailed', billingEmail: 'ap@mailed.example' },
        { id: 'unmailed', name: 'Unmailed' },
      ],
    });
    await db.prisma.$transaction(async (tx) => {
      await enqueueEvent(tx, TOPICS.usageThresholdReached, threshold('mailed'), { org: 'mailed', subject: 'x', id: 'm1' });
      await enqueueEvent(tx, TOPICS.usageThresholdReached, threshold('unmailed'), { org: 'unmailed', subject: 'x', id: 'u1' });
      await enqueueEvent(
        tx,
        TOPICS.usageThresholdReached,
        { ...threshold('mailed'), billingEmail: 'other@mailed.example' },
        {
          org: 'mailed',
          subject: 'x',
          id: 'm2',
        },
      );
    });
    const rows = await db.prisma.billingOutboxRecord.findMany({ where: { key: { in: ['mailed', 'unmailed'] } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [(r.event as { id: string }).id, (r.event as { data: { billingEmail: unknown } }).data.billingEmail])).toEqual([
      ['m1', 'ap@mailed.example'],
      ['u1', null],
      ['m2', 'other@mailed.example'],
    ]);
    await db.prisma.billingOutboxRecord.deleteMany({ where: { key: { in: ['mailed', 'unmailed'] } } });
  });

  it('refuses data that breaks the event schema, and keeps events the bus refused for the next round', async () => {
    await expect(
      enqueueEvent(db.prisma, TOPICS.usageThresholdReached, { ...threshold('acme'), threshold: 50 as 80 }, { org: 'acme', subject: 'x' }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await enqueueEvent(db.prisma, TOPICS.usageThresholdReached, threshold('globex'), { org: 'globex', subject: 'x', id: 'later' });
    const failing: EventBus = {
      publish: () => Promise.reject(new Error('broker down')),
      subscribe: () => Promise.reject(new Error('unused')),
    } as unknown as EventBus;
    expect(await new OutboxRelay({ db, bus: failing, log }).flush()).toBe(0);
    expect(await db.prisma.billingOutboxRecord.count()).toBe(1);
    const published: string[] = [];
    const working = {
      publish: async (_t: string, records: { event: { id: string } }[]) => void published.push(...records.map((r) => r.event.id)),
    };
    expect(await new OutboxRelay({ db, bus: working as unknown as EventBus, log }).flush()).toBe(1);
    expect(published).toEqual(['later']);
  });

  it('publishes to a durable in-process bus whose outbox is the same single-connection PGlite (no deadlock with its own claim)', async () => {
    // the bus writes each record of a durable group's topic through the same PGlite connection
    // before publish() resolves: publishing while the claiming transaction holds that connection
    // used to wait for the transaction, which waited for the publish (30 s stall, round failed)
    const bus = new InProcessEventBus({
      outbox: { store: createBusOutbox(db.runner), durableGroups: { notifications: [TOPICS.usageThresholdReached] } },
    });
    await enqueueEvent(db.prisma, TOPICS.usageThresholdReached, threshold('acme'), { org: 'acme', subject: 'x', id: 'durable' });
    const relay = new OutboxRelay({ db, bus, log });
    expect(await relay.flush()).toBe(1);
    expect(await db.prisma.billingOutboxRecord.count()).toBe(0);
    const [held] = await db.runner.query<{ n: number }>(`SELECT count(*)::int AS n FROM "dictamesh_bus_outbox" WHERE "topic" = $1`, [
      TOPICS.usageThresholdReached,
    ]);
    expect(held!.n).toBe(1);
    await bus.close();
  }, 60_000);
});
