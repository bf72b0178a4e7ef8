import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { describeBusContract } from '../test/bus-contract';
import { MemoryOutboxStore } from '../test/memory-outbox-store';
import type { BusRecord } from './bus';
import { drain } from './drain';
import { InProcessEventBus } from './in-process-bus';

// the whole bus contract, with every group of the contract durable
describeBusContract('in-process with an outbox', {
  create: async ({ topics, partitions, dlqTopic, maxAttempts }) => {
    const ns = topics[0]!.slice('t-'.length);
    return new InProcessEventBus({
      partitions,
      dlqTopic,
      maxAttempts: maxAttempts ?? 5,
      retryInitialDelayMs: 1,
      outbox: { store: new MemoryOutboxStore(), durableGroups: { [`g-${ns}`]: topics, [`dlq-reader-${ns}`]: [dlqTopic] } },
    });
  },
});

const event = (n: number) => new CloudEvent({ id: `e${n}`, source: '/t', type: 't', subject: `k${n % 3}`, data: { n } });
const record = (n: number) => ({ key: `k${n % 3}`, event: event(n) });
const ns = (records: readonly BusRecord[]) => records.map((r) => (r.event.data as { n: number }).n);

/** A bus whose group `ingest` must see every record of topic `t` (as the catalog's ingest the entity topics). */
const durableBus = (store: MemoryOutboxStore, partitions = 2) =>
  new InProcessEventBus({ partitions, retryInitialDelayMs: 1, outbox: { store, durableGroups: { ingest: ['t'], other: ['u'] } } });

/** Subscribes `groupId` to `t` from the beginning and collects what it is given (one by one, or in batches). */
async function collect(bus: InProcessEventBus, groupId: string, batches = false) {
  const seen: BusRecord[] = [];
  const consumer = await bus.subscribe({
    groupId,
    topics: ['t'],
    fromBeginning: true,
    ...(batches
      ? { eachBatch: async (rs: readonly BusRecord[]) => void seen.push(...rs) }
      : { eachMessage: async (r: BusRecord) => void seen.push(r) }),
  });
  return { seen, consumer };
}

describe('InProcessEventBus outbox (durability on the embedded default)', () => {
  it('resolves publish() only once the records are stored, with one store write per call', async () => {
    const store = new MemoryOutboxStore();
    const bus = durableBus(store);
    const { seen } = await collect(bus, 'ingest');
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    let resolved = false;
    const published = bus.publish('t', [record(0), record(1), record(2)]).then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(store.entries.size).toBe(0);
    expect(await bus.lag('ingest')).toBe(0); // not in memory either: nobody sees a record that is not stored
    release();
    await published;
    expect(store.appendCalls).toBe(1);
    expect(await drain(bus, 'ingest', 10_000, 1)).toBe(true);
    expect(ns(seen).sort()).toEqual([0, 1, 2]);
    await bus.close();
  });

  it('lets publishes of one turn, and those that arrive during a store write, share one write (group commit)', async () => {
    const store = new MemoryOutboxStore();
    const bus = durableBus(store);
    const { seen } = await collect(bus, 'ingest');
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    const first = [bus.publish('t', [record(0)]), bus.publish('u', [record(6)])]; // as one webhook's topics
    await expect.poll(() => store.appendCalls).toBe(1);
    store.gate = undefined;
    const waiting = [1, 2, 3, 4, 5].map((n) => bus.publish('t', [record(n)]));
    release();
    await Promise.all([...first, ...waiting]);
    expect(store.appendSizes).toEqual([2, 5]); // one write for the first turn's two publishes, one for the five that waited
    expect(await drain(bus, 'ingest', 10_000, 1)).toBe(true);
    expect(ns(seen).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    await bus.close();
  });

  it('rejects a publish whose store write fails and delivers nothing of it; later publishes go through', async () => {
    const store = new MemoryOutboxStore();
    const bus = durableBus(store);
    const { seen } = await collect(bus, 'ingest');
    store.failure = new Error('disk full');
    await expect(bus.publish('t', [record(0)])).rejects.toThrow('disk full');
    store.failure = undefined;
    await bus.publish('t', [record(1)]);
    expect(await drain(bus, 'ingest', 10_000, 1)).toBe(true);
    expect(ns(seen)).toEqual([1]);
    await bus.close();
  });

  it('keeps publish order per key when an earlier store write finishes last', async () => {
    const store = new MemoryOutboxStore();
    const bus = durableBus(store, 1);
    const { seen } = await collect(bus, 'ingest');
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    const first = bus.publish('t', [record(0)]);
    store.gate = undefined;
    const second = bus.publish('t', [record(3)]); // same key k0, stored at once
    await Promise.resolve();
    release();
    await Promise.all([first, second]);
    expect(await drain(bus, 'ingest', 10_000, 1)).toBe(true);
    expect(ns(seen)).toEqual([0, 3]);
    await bus.close();
  });

  it('deletes stored records once every durable group committed past them; other groups hold nothing', async () => {
    const store = new MemoryOutboxStore();
    const bus = new InProcessEventBus({
      partitions: 2,
      retryInitialDelayMs: 1,
      outbox: { store, durableGroups: { ingest: ['t'], audit: ['t'] }, removeBatchSize: 4 },
    });
    await collect(bus, 'gateway-sub'); // ephemeral: never holds records
    await collect(bus, 'ingest');
    await bus.publish(
      't',
      Array.from({ length: 10 }, (_, i) => record(i)),
    );
    await bus.publish('other', [{ key: 'x', event: event(99) }]); // no durable group reads it: not stored
    expect(await drain(bus, 'ingest', 10_000, 1)).toBe(true);
    expect(store.entries.size).toBe(10); // `audit` has not joined yet
    await collect(bus, 'audit', true);
    expect(await drain(bus, 'audit', 10_000, 1)).toBe(true);
    await bus.close(); // waits for the deletes in flight
    expect(store.entries.size).toBe(0);
    // one delete per batch commit and partition, at most `removeBatchSize` ids each: not one per record
    expect(store.removeCalls).toBeLessThanOrEqual(2 + Math.ceil(10 / 4));
    expect(store.appendCalls).toBe(1);
  });

  it('recovers once and deletes a stored record of a topic no durable group reads any more', async () => {
    const store = new MemoryOutboxStore();
    await store.append([{ topic: 'retired', key: 'k0', event: JSON.stringify(event(7)), headers: {} }]);
    const bus = durableBus(store);
    expect(await bus.recover()).toBe(1);
    const seen: BusRecord[] = [];
    await bus.subscribe({ groupId: 'any', topics: ['retired'], fromBeginning: true, eachMessage: async (r) => void seen.push(r) });
    expect(await drain(bus, 'any', 10_000, 1)).toBe(true);
    expect(ns(seen)).toEqual([7]);
    await bus.close();
    expect(store.entries.size).toBe(0);
  });

  it('after a restart, publishes what the durable groups had not committed before any new record, then deletes it', async () => {
    const store = new MemoryOutboxStore();
    const crashed = durableBus(store, 1);
    // the consumer handles 0 and 1, then the process "dies" with 2–4 accepted but not handled
    let handled = 0;
    let stall!: () => void;
    const stalled = new Promise<void>((resolve) => (stall = resolve));
    await crashed.subscribe({
      groupId: 'ingest',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: async () => {
        if (++handled > 2) await stalled;
      },
    });
    await crashed.publish(
      't',
      [0, 1, 2, 3, 4].map((n) => record(n * 3)),
    ); // one key: one order
    await expect.poll(() => handled).toBe(3);
    await expect.poll(() => store.entries.size).toBe(3); // 0 and 1 deleted, 2–4 held

    const restarted = durableBus(store, 1);
    expect(await restarted.recover()).toBe(3);
    const { seen } = await collect(restarted, 'ingest');
    await restarted.publish('t', [record(15)]);
    expect(await drain(restarted, 'ingest', 10_000, 1)).toBe(true);
    expect(ns(seen)).toEqual([6, 9, 12, 15]);
    expect(seen[0]!.event).toMatchObject({ id: 'e6', type: 't', source: '/t', subject: 'k0', data: { n: 6 } });
    await restarted.close();
    stall(); // lets the "dead" bus finish, only to close it
    await crashed.close();
    expect(store.entries.size).toBe(0);
  });
});
