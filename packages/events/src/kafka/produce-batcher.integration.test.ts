import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ProduceBatcher, type PartitionedMessage } from './produce-batcher';

const kafka = new Kafka({ clientId: 'batcher-test', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  retry: { retries: 2, initialRetryTime: 100 },
});
const admin = kafka.admin();
const topic = `batcher-${Date.now()}`;
let produceRequests = 0;

beforeAll(async () => {
  await Promise.all([producer.connect(), admin.connect()]);
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  producer.on(producer.events.REQUEST, ({ payload }) => {
    if (payload.apiName === 'Produce') produceRequests += 1;
  });
});
afterAll(() => Promise.all([producer.disconnect(), admin.disconnect()]));

const message = (i: number): PartitionedMessage => ({ key: `k${i % 7}`, value: JSON.stringify({ i }), partition: i % 3 });

it('sends concurrent publishes in shared produce requests; each caller gets its own offsets, in arrival order per partition', async () => {
  const batcher = new ProduceBatcher(producer);
  const before = produceRequests;
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => batcher.send(topic, [message(i)])));
  const requests = produceRequests - before;
  expect(requests).toBeGreaterThan(0);
  expect(requests).toBeLessThan(30); // 300 one-record publishes, one request in flight at a time
  // offsets per partition are exactly 0..n-1 in call order
  for (const partition of [0, 1, 2]) {
    const offsets = results
      .flat()
      .filter((m) => m.partition === partition)
      .map((m) => m.offset);
    expect(offsets).toEqual(Array.from({ length: 100 }, (_, i) => i));
  }
  // what the broker holds matches what each caller was told
  const consumer = kafka.consumer({ groupId: `${topic}-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const stored = new Map<string, number>();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message: m }) => {
        stored.set(`${partition}/${m.offset}`, (JSON.parse(m.value!.toString()) as { i: number }).i);
        if (stored.size === 300) resolve();
      },
    });
  });
  await consumer.disconnect();
  results.forEach(([meta], i) => expect(stored.get(`${meta!.partition}/${meta!.offset}`)).toBe(i));
});

it('splits requests by size and rejects every caller of a failed request without affecting the next', async () => {
  const batcher = new ProduceBatcher(producer, { maxRequestBytes: 2_000 });
  const big = (i: number): PartitionedMessage => ({ ...message(i), value: 'x'.repeat(900) });
  const before = produceRequests;
  const sizes = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.send(topic, [big(i)])));
  expect(sizes.flat()).toHaveLength(10);
  expect(produceRequests - before).toBeGreaterThanOrEqual(5); // two ~1 KB messages per 2 KB request at most
  const failed = batcher.send('no-such-topic-for-batcher', [message(1)]);
  const after = batcher.send(topic, [message(2)]);
  await expect(failed).rejects.toThrow();
  await expect(after).resolves.toHaveLength(1);
});
