import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusRecord, EventBus } from '../src/bus';
import { drain } from '../src/drain';

/** What the contract needs from a transport: a fresh bus with its topics in place. */
export interface BusHarness {
  create(options: { topics: string[]; partitions: number; dlqTopic: string; maxAttempts?: number }): Promise<EventBus>;
  /** Lag poll interval for `drain`, ms. */
  pollMs?: number;
}

/** A non-DictaMesh event type: its data is the producer's business, not checked by the bus. */
const event = (key: string, n: number) =>
  new CloudEvent({ id: `${key}-${n}-${randomUUID()}`, source: '/test', type: 'test.contract.recorded', subject: key, data: { n } });

const records = (keys: string[], perKey: number) =>
  keys.flatMap((key) => Array.from({ length: perKey }, (_, n) => ({ key, event: event(key, n) })));

const n = (r: BusRecord) => (r.event.data as { n: number }).n;

/**
 * The EventBus contract (order per key, at-least-once, consumer groups, replay from an
 * offset, bounded retries then DLQ), run against every transport.
 */
export function describeBusContract(name: string, harness: BusHarness): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus | undefined;
    let ns: string;
    const open = async (partitions: number, maxAttempts?: number) => {
      ns = randomUUID().slice(0, 8);
      bus = await harness.create({ topics: [`t-${ns}`], partitions, dlqTopic: `dlq-${ns}`, ...(maxAttempts ? { maxAttempts } : {}) });
      return bus;
    };
    const drained = (group: string) => drain(bus!, group, 30_000, harness.pollMs ?? 10);
    afterEach(async () => {
      await bus?.close();
      bus = undefined;
    });

    it('delivers every record once to a group, in order per key', async () => {
      const b = await open(4);
      const seen = new Map<string, number[]>();
      await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => void seen.set(r.key, [...(seen.get(r.key) ?? []), n(r)]),
      });
      await b.publish(`t-${ns}`, records(['a', 'b', 'c', 'd', 'e'], 20));
      expect(await drained(`g-${ns}`)).toBe(true);
      expect([...seen.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      for (const list of seen.values()) expect(list).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('reports where each published record landed, same key → same partition, rising offsets', async () => {
      const b = await open(4);
      const meta = await b.publish(`t-${ns}`, records(['x', 'y'], 3));
      expect(meta).toHaveLength(6);
      const xs = meta.slice(0, 3);
      expect(new Set(xs.map((m) => m.partition)).size).toBe(1);
      expect(xs.map((m) => m.offset)).toEqual([xs[0]!.offset, xs[0]!.offset + 1, xs[0]!.offset + 2]);
    });

    it('rejects a publish holding an invalid DictaMesh event as a whole (schema, type vs topic), nothing appended', async () => {
      const b = await open(1);
      const invalid = new CloudEvent({ id: 'bad-1', source: '/test', type: 'dictamesh.entity.updated', subject: 'k', data: { n: 1 } });
      const error = await b
        .publish(`t-${ns}`, [
          { key: 'ok', event: event('ok', 0) },
          { key: 'k', event: invalid },
        ])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
      expect((error as Error).message).toMatch(
        /Event bad-1: invalid dictamesh\.entity\.updated data: \/ must have required property 'urn'/,
      );
      const wrongTopic = await b.publish('dictamesh.entity.created', [{ key: 'ok', event: event('ok', 1) }]).catch((e: unknown) => e);
      expect((wrongTopic as Error).message).toMatch(/cannot be published to topic dictamesh\.entity\.created/);
      const unknownType = new CloudEvent({ id: 'bad-2', source: '/test', type: 'dictamesh.nope', data: {} });
      await expect(b.publish(`t-${ns}`, [{ key: 'k', event: unknownType }])).rejects.toThrow(
        /unknown DictaMesh event type dictamesh\.nope/,
      );
      const seen: string[] = [];
      await b.publish(`t-${ns}`, [{ key: 'marker', event: event('marker', 0) }]);
      await b.subscribe({ groupId: `g-${ns}`, topics: [`t-${ns}`], fromBeginning: true, eachMessage: async (r) => void seen.push(r.key) });
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(seen).toEqual(['marker']);
    });

    it('shares partitions among members of one group and gives every group all records', async () => {
      const b = await open(4);
      const got: Record<string, BusRecord[]> = { m1: [], m2: [], other: [] };
      const member = (who: string, groupId: string) =>
        b.subscribe({ groupId, topics: [`t-${ns}`], fromBeginning: true, eachMessage: async (r) => void got[who]!.push(r) });
      await member('m1', `g-${ns}`);
      await member('m2', `g-${ns}`);
      await member('other', `h-${ns}`);
      await b.publish(
        `t-${ns}`,
        records(
          Array.from({ length: 40 }, (_, i) => `k${i}`),
          5,
        ),
      );
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(await drained(`h-${ns}`)).toBe(true);
      expect(got.m1!.length).toBeGreaterThan(0);
      expect(got.m2!.length).toBeGreaterThan(0);
      expect(got.m1!.length + got.m2!.length).toBe(200);
      const m1Partitions = new Set(got.m1!.map((r) => r.partition));
      expect(got.m2!.some((r) => m1Partitions.has(r.partition))).toBe(false);
      expect(got.other).toHaveLength(200);
    });

    it('retries a failing handler and commits only after it succeeds (at-least-once)', async () => {
      const b = await open(1);
      let calls = 0;
      const done: number[] = [];
      await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => {
          calls += 1;
          if (calls <= 2) throw new Error('database unavailable');
          done.push(n(r));
        },
      });
      await b.publish(`t-${ns}`, records(['a'], 3));
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(done).toEqual([0, 1, 2]);
      expect(calls).toBe(5);
    });

    it('sends a poison record to the DLQ with the error in its headers, then keeps consuming', async () => {
      const b = await open(1, 3);
      const ok: string[] = [];
      const dlq: BusRecord[] = [];
      let poisonAttempts = 0;
      await b.subscribe({
        groupId: `dlq-reader-${ns}`,
        topics: [`dlq-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => void dlq.push(r),
      });
      await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => {
          if (r.key === 'poison') {
            poisonAttempts += 1;
            throw new Error('cannot parse');
          }
          ok.push(r.key);
        },
      });
      await b.publish(`t-${ns}`, [
        { key: 'before', event: event('before', 0) },
        { key: 'poison', event: event('poison', 0) },
        { key: 'after', event: event('after', 0) },
      ]);
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(await drained(`dlq-reader-${ns}`)).toBe(true);
      expect(ok).toEqual(['before', 'after']);
      expect(poisonAttempts).toBe(3);
      expect(dlq).toHaveLength(1);
      expect(dlq[0]!.event.subject).toBe('poison');
      expect(dlq[0]!.headers).toMatchObject({
        'dlq-error': 'cannot parse',
        'dlq-original-topic': `t-${ns}`,
        'dlq-original-offset': '1',
        'dlq-consumer-group': `g-${ns}`,
        'dlq-attempts': '3',
      });
    });

    it('delivers batches in order and isolates a poison record of a failing batch', async () => {
      const b = await open(1, 2);
      const applied: string[] = [];
      const dlq: BusRecord[] = [];
      await b.subscribe({
        groupId: `dlq-reader-${ns}`,
        topics: [`dlq-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => void dlq.push(r),
      });
      await b.publish(`t-${ns}`, records(['a', 'b', 'poison', 'c'], 3));
      await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        maxBatchSize: 5,
        eachBatch: async (batch) => {
          expect(batch.length).toBeLessThanOrEqual(5);
          if (batch.some((r) => r.key === 'poison')) throw new Error('poison in batch');
          applied.push(...batch.map((r) => `${r.key}${n(r)}`));
        },
      });
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(await drained(`dlq-reader-${ns}`)).toBe(true);
      expect(applied).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2']);
      expect(dlq.map((r) => r.key)).toEqual(['poison', 'poison', 'poison']);
    });

    it('does not retry errors marked retryable: false', async () => {
      const b = await open(1, 5);
      let attempts = 0;
      await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        eachMessage: async () => {
          attempts += 1;
          throw Object.assign(new Error('invalid event'), { retryable: false });
        },
      });
      await b.publish(`t-${ns}`, [{ key: 'x', event: event('x', 0) }]);
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(attempts).toBe(1);
    });

    it('replays from an offset after seek; a new group without fromBeginning sees only new records', async () => {
      const b = await open(1);
      await b.publish(`t-${ns}`, records(['a'], 5));
      const replayed: number[] = [];
      const fresh: number[] = [];
      await b.subscribe({ groupId: `late-${ns}`, topics: [`t-${ns}`], eachMessage: async (r) => void fresh.push(n(r)) });
      await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => void replayed.push(n(r)),
      });
      expect(await drained(`g-${ns}`)).toBe(true);
      expect(replayed).toEqual([0, 1, 2, 3, 4]);
      await b.seek(`g-${ns}`, `t-${ns}`, 0, 2);
      await expect.poll(() => replayed.length, { timeout: 30_000 }).toBe(8);
      expect(replayed).toEqual([0, 1, 2, 3, 4, 2, 3, 4]);
      expect(fresh).toEqual([]);
      await b.publish(`t-${ns}`, [{ key: 'a', event: event('a', 5) }]);
      expect(await drained(`late-${ns}`)).toBe(true);
      expect(fresh).toEqual([5]);
    });

    it('stops a member cleanly: the record in flight finishes and is committed', async () => {
      const b = await open(1);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handled: number[] = [];
      let inFlight = false;
      const consumer = await b.subscribe({
        groupId: `g-${ns}`,
        topics: [`t-${ns}`],
        fromBeginning: true,
        eachMessage: async (r) => {
          inFlight = true;
          await gate;
          handled.push(n(r));
        },
      });
      await b.publish(`t-${ns}`, records(['a'], 1));
      await vi.waitFor(() => expect(inFlight).toBe(true), { timeout: 30_000, interval: 10 }); // the handler holds the record
      const stopping = consumer.stop();
      release();
      await stopping;
      expect(handled).toEqual([0]);
      expect(await b.lag(`g-${ns}`)).toBe(0);
      const [partition] = [...(await b.committed(`g-${ns}`, `t-${ns}`)).entries()].filter(([, next]) => next > 0);
      expect(partition).toEqual([0, 1]);
    });
  });
}
