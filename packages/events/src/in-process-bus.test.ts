import { CloudEvent } from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusRecord } from './bus';
import { drain } from './drain';
import { InProcessEventBus } from './in-process-bus';
import { TOPICS } from './topics';

const event = (key: string, n: number) =>
  new CloudEvent({ id: `${key}-${n}`, source: '/test', type: 'dictamesh.entity.updated', subject: key, data: { n } });

const records = (keys: string[], perKey: number) =>
  keys.flatMap((key) => Array.from({ length: perKey }, (_, n) => ({ key, event: event(key, n) })));

let bus: InProcessEventBus;
afterEach(async () => {
  await bus.close();
});

describe('InProcessEventBus', () => {
  it('delivers every record once to a group, in order per key', async () => {
    bus = new InProcessEventBus({ partitions: 4 });
    const seen = new Map<string, number[]>();
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: async (r) => {
        seen.set(r.key, [...(seen.get(r.key) ?? []), (r.event.data as { n: number }).n]);
      },
    });
    await bus.publish('t', records(['a', 'b', 'c', 'd', 'e'], 50));
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect([...seen.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const list of seen.values()) expect(list).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('shares partitions among members of one group and gives every group all records', async () => {
    bus = new InProcessEventBus({ partitions: 4 });
    const got: Record<string, BusRecord[]> = { m1: [], m2: [], other: [] };
    const member = (name: string, groupId: string) =>
      bus.subscribe({ groupId, topics: ['t'], fromBeginning: true, eachMessage: async (r) => void got[name]!.push(r) });
    await member('m1', 'g');
    await member('m2', 'g');
    await member('other', 'h');
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await bus.publish('t', records(keys, 5));
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect(await drain(bus, 'h', 5_000)).toBe(true);
    expect(got.m1!.length).toBeGreaterThan(0);
    expect(got.m2!.length).toBeGreaterThan(0);
    expect(got.m1!.length + got.m2!.length).toBe(200);
    const m1Partitions = new Set(got.m1!.map((r) => r.partition));
    expect(got.m2!.some((r) => m1Partitions.has(r.partition))).toBe(false);
    expect(got.other).toHaveLength(200);
  });

  it('retries a failing handler and commits only after it succeeds (at-least-once)', async () => {
    bus = new InProcessEventBus({ partitions: 1, retryInitialDelayMs: 1 });
    let calls = 0;
    const done: number[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: async (r) => {
        calls += 1;
        if (calls <= 2) throw new Error('database unavailable');
        done.push((r.event.data as { n: number }).n);
      },
    });
    await bus.publish('t', records(['a'], 3));
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect(done).toEqual([0, 1, 2]);
    expect(calls).toBe(5);
  });

  it('sends a poison record to the DLQ with the error in its headers, then keeps consuming', async () => {
    bus = new InProcessEventBus({ partitions: 1, maxAttempts: 3, retryInitialDelayMs: 1 });
    const ok: string[] = [];
    const dlq: BusRecord[] = [];
    let poisonAttempts = 0;
    await bus.subscribe({ groupId: 'dlq-reader', topics: [TOPICS.dlq], fromBeginning: true, eachMessage: async (r) => void dlq.push(r) });
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: async (r) => {
        if (r.key === 'poison') {
          poisonAttempts += 1;
          throw new Error('cannot parse');
        }
        ok.push(r.key);
      },
    });
    await bus.publish('t', [
      { key: 'before', event: event('before', 0) },
      { key: 'poison', event: event('poison', 0) },
      { key: 'after', event: event('after', 0) },
    ]);
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect(await drain(bus, 'dlq-reader', 5_000)).toBe(true);
    expect(ok).toEqual(['before', 'after']);
    expect(poisonAttempts).toBe(3);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.headers).toMatchObject({
      'dlq-error': 'cannot parse',
      'dlq-original-topic': 't',
      'dlq-original-offset': '1',
      'dlq-consumer-group': 'g',
      'dlq-attempts': '3',
    });
  });

  it('delivers batches in order per partition and isolates a poison record of a failing batch', async () => {
    bus = new InProcessEventBus({ partitions: 1, maxAttempts: 2, retryInitialDelayMs: 1 });
    const batches: number[] = [];
    const applied: string[] = [];
    const dlq: BusRecord[] = [];
    await bus.subscribe({ groupId: 'dlq-reader', topics: [TOPICS.dlq], fromBeginning: true, eachMessage: async (r) => void dlq.push(r) });
    await bus.publish('t', records(['a', 'b', 'poison', 'c'], 3));
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      maxBatchSize: 5,
      eachBatch: async (batch) => {
        if (batch.some((r) => r.key === 'poison')) throw new Error('poison in batch');
        batches.push(batch.length);
        applied.push(...batch.map((r) => `${r.key}${(r.event.data as { n: number }).n}`));
      },
    });
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect(await drain(bus, 'dlq-reader', 5_000)).toBe(true);
    expect(applied).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2']);
    expect(Math.max(...batches)).toBe(5);
    expect(dlq.map((r) => r.key)).toEqual(['poison', 'poison', 'poison']);
  });

  it('does not retry errors marked retryable: false', async () => {
    bus = new InProcessEventBus({ partitions: 1, maxAttempts: 5, retryInitialDelayMs: 1 });
    let attempts = 0;
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: async () => {
        attempts += 1;
        throw Object.assign(new Error('invalid event'), { retryable: false });
      },
    });
    await bus.publish('t', [{ key: 'x', event: event('x', 0) }]);
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect(attempts).toBe(1);
    expect(await bus.lag('g')).toBe(0);
  });

  it('replays from an offset after seek, and new groups without fromBeginning see only new records', async () => {
    bus = new InProcessEventBus({ partitions: 1 });
    await bus.publish('t', records(['a'], 5));
    const replayed: number[] = [];
    const fresh: number[] = [];
    await bus.subscribe({ groupId: 'late', topics: ['t'], eachMessage: async (r) => void fresh.push((r.event.data as { n: number }).n) });
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: async (r) => void replayed.push((r.event.data as { n: number }).n),
    });
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    await bus.seek('g', 't', 0, 2);
    expect(await drain(bus, 'g', 5_000)).toBe(true);
    expect(replayed).toEqual([0, 1, 2, 3, 4, 2, 3, 4]);
    expect(fresh).toEqual([]);
    await bus.publish('t', [{ key: 'a', event: event('a', 5) }]);
    expect(await drain(bus, 'late', 5_000)).toBe(true);
    expect(fresh).toEqual([5]);
  });

  it('bounds memory by retention and reports lag of a group without members', async () => {
    bus = new InProcessEventBus({ partitions: 1, retentionRecords: 10 });
    const consumer = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, eachMessage: async () => undefined });
    await consumer.stop();
    for (let i = 0; i < 50; i++) {
      await bus.publish('t', records([`k${i}`], 1));
      const lag = await bus.lag('g');
      expect(lag).toBeLessThanOrEqual(11); // retention 10 plus the 10 % trim step
      expect(lag).toBeLessThanOrEqual(i + 1);
    }
    expect(await bus.lag('g')).toBeGreaterThanOrEqual(10);
  });
});
