import { CloudEvent } from 'cloudevents';
import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { afterEach, describe, expect, it } from 'vitest';
import { drain, InProcessEventBus, type BusRecord } from '@dictamesh/events';
import { createLogger } from '@dictamesh/runtime';
import { startConsumer, type ConsumerSpec } from './consumers';
import { createSubgraphService } from './service';

const TOPIC = 'test.kit.items';
const GROUP = 'test-kit-writer';

const bus = () => new InProcessEventBus({ partitions: 1, retryInitialDelayMs: 1, maxAttempts: 5 });
let open: InProcessEventBus | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

const item = (id: string) => ({ key: id, event: new CloudEvent({ id, type: 'test.kit.item', source: '/test', data: { id } }) });

/** The group's committed position on the topic's one partition: every record below it is handled. */
async function position(bus: InProcessEventBus): Promise<number> {
  return (await bus.committed(GROUP, TOPIC)).get(0) ?? 0;
}

/** A promise with its resolve function outside (a write held open until the test lets it finish). */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('consumers commit after the write', () => {
  it('leaves a record uncommitted while its write is pending, and commits once it resolved', async () => {
    open = bus();
    const held = gate();
    const written: string[] = [];
    let entered = false;
    const consumer = await startConsumer(open, {
      groupId: GROUP,
      topics: [TOPIC],
      write: async (records) => {
        entered = true;
        await held.promise;
        written.push(...records.map((r) => r.event.id));
      },
    });
    await open.publish(TOPIC, [item('a')]);
    await until(() => entered, 'the write to start');
    const pending = { position: await position(open), lag: await open.lag(GROUP) };
    held.open();
    expect(pending).toEqual({ position: 0, lag: 1 });
    expect(await drain(open, GROUP, 10_000)).toBe(true);
    expect(written).toEqual(['a']);
    expect(await position(open)).toBe(1);
    await consumer.stop();
  });

  it('does not commit a failing write: the same records are delivered again until the write succeeds', async () => {
    open = bus();
    const store = new Map<string, number>();
    const deliveries: Array<{ ids: string[]; position: number }> = [];
    let failures = 2;
    const spec: ConsumerSpec = {
      groupId: GROUP,
      topics: [TOPIC],
      write: async (records: readonly BusRecord[]) => {
        deliveries.push({ ids: records.map((r) => r.event.id), position: await position(open!) });
        if (failures-- > 0) throw new Error('database unavailable');
        for (const r of records) store.set(r.event.id, (store.get(r.event.id) ?? 0) + 1);
      },
    };
    const consumer = await startConsumer(open, spec);
    await open.publish(TOPIC, [item('a'), item('b')]);
    expect(await drain(open, GROUP, 10_000)).toBe(true);
    // two failed writes, then the redelivery that succeeded: nothing was committed before it
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries) {
      expect(delivery.ids).toEqual(['a', 'b']);
      expect(delivery.position).toBe(0);
    }
    expect(Object.fromEntries(store)).toEqual({ a: 1, b: 1 });
    expect(await position(open)).toBe(2);
    await consumer.stop();
  });
});

describe('a subgraph service with consumers', () => {
  it('exports the lag and stops the consumers (their write finished) before the HTTP server', async () => {
    open = bus();
    const held = gate();
    let entered = false;
    const service = await createSubgraphService({
      schema: buildSubgraphSchema([{ typeDefs: parse('type Query { ok: Boolean }'), resolvers: { Query: { ok: () => true } } }]),
      logger: createLogger('kit-test', 'silent'),
      introspection: false,
      bus: open,
      consumers: {
        writer: {
          groupId: GROUP,
          topics: [TOPIC],
          write: async () => {
            entered = true;
            await held.promise;
          },
        },
      },
    });
    const origin = await service.app.listen({ port: 0, host: '127.0.0.1' });
    await open.publish(TOPIC, [item('a')]);
    await until(() => entered, 'the write to start');
    const metrics = await (await fetch(`${origin}/metrics`)).text();

    let closed = false;
    const closing = service.close().then(() => (closed = true));
    // the consumer waits for its write: the HTTP server still answers meanwhile
    const health = await fetch(`${origin}/healthz`).then((r) => r.status, String);
    const closedBeforeWrite = closed;
    held.open();
    await closing;
    expect(metrics).toContain('dictamesh_consumer_lag{group="test-kit-writer"} 1');
    expect(health).toBe(200);
    expect(closedBeforeWrite).toBe(false);
    expect(await position(open)).toBe(1);
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
  });

  it('refuses consumers without a bus', async () => {
    await expect(
      createSubgraphService({
        schema: buildSubgraphSchema([{ typeDefs: parse('type Query { ok: Boolean }'), resolvers: {} }]),
        logger: createLogger('kit-test', 'silent'),
        introspection: false,
        consumers: { writer: { groupId: GROUP, topics: [TOPIC], write: async () => {} } },
      }),
    ).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
  });
});
