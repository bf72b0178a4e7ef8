import { CloudEvent } from 'cloudevents';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { describeBusContract } from '../../test/bus-contract';
import { toEntityChangeEvent } from '../cloudevent';
import { drain } from '../drain';
import type { EntityChange } from '../entity-change';
import { schemaValidation } from '../validate';
import { KafkaEventBus } from './kafka-bus';

const brokers = inject('kafkaBrokers').split(',');

const contactUrn = 'dictamesh:chatwoot:account/12:contact:1';
// a topic of this run only: a broker kept across runs (developers' own) holds earlier runs' records
const WIRE_TOPIC = `wire-t-${Date.now()}`;
const ONCE_TOPIC = `wire-once-${Date.now()}`;
const contactChange = {
  urn: contactUrn,
  source: 'chatwoot',
  entityType: 'contact',
  sourceId: '1',
  domain: 'support',
  operation: 'updated',
  attributes: { name: 'Ana' },
  occurredAt: '2026-02-10T09:14:52.402Z',
  relationships: [],
};

describeBusContract('kafka', {
  pollMs: 100,
  create: async ({ topics, partitions, dlqTopic, maxAttempts }) => {
    const bus = new KafkaEventBus({
      brokers,
      clientId: 'dictamesh-contract',
      dlqTopic,
      maxAttempts: maxAttempts ?? 5,
      retryInitialDelayMs: 1,
      topics: { names: [...topics, dlqTopic], partitions, replicationFactor: 1, retentionMs: 3_600_000 },
    });
    await bus.connect();
    return bus;
  },
});

describe('KafkaEventBus wire format and failure paths', () => {
  const raw = new Kafka({ clientId: 'dictamesh-raw', brokers, logLevel: logLevel.NOTHING });
  const bus = new KafkaEventBus({
    brokers,
    dlqTopic: 'wire-dlq',
    maxAttempts: 2,
    retryInitialDelayMs: 1,
    topics: { names: [WIRE_TOPIC, ONCE_TOPIC, 'wire-s', 'wire-dlq'], partitions: 2, replicationFactor: 1, retentionMs: 3_600_000 },
  });
  afterAll(() => bus.close());

  it('checks an entity change against its JSON Schema once per process: built by the producer, received by the consumer', async () => {
    const checks = vi.spyOn(schemaValidation, 'check');
    try {
      const event = toEntityChangeEvent(contactChange as EntityChange, { id: `once-${Date.now()}`, source: '/test' });
      expect(checks).toHaveBeenCalledTimes(1); // the producer's check, when the event is built
      await bus.connect();
      await bus.publish(ONCE_TOPIC, [{ key: contactUrn, event }]);
      expect(checks).toHaveBeenCalledTimes(1); // publishing does not check it again
      const group = `once-${Date.now()}`;
      const received: string[] = [];
      const consumer = await bus.subscribe({
        groupId: group,
        topics: [ONCE_TOPIC],
        fromBeginning: true,
        eachMessage: async (r) => void received.push(r.event.id),
      });
      expect(await drain(bus, group, 30_000, 100)).toBe(true);
      await consumer.stop();
      expect(received).toEqual([event.id]);
      expect(checks).toHaveBeenCalledTimes(2); // decoded from Kafka: checked once where it entered the consumer
    } finally {
      checks.mockRestore();
    }
  });

  it('writes CloudEvents in binary mode: ce_* headers, JSON value, URN key', async () => {
    const event = new CloudEvent({
      id: 'wire-1',
      source: '/dictamesh/adapters/chatwoot/accounts/12',
      type: 'dictamesh.entity.updated',
      subject: 'dictamesh:chatwoot:account/12:contact:1',
      time: '2026-02-10T09:14:52.402Z',
      datacontenttype: 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: contactChange,
    });
    await bus.connect();
    await bus.publish(WIRE_TOPIC, [{ key: 'dictamesh:chatwoot:account/12:contact:1', event }]);
    const consumer = raw.consumer({ groupId: `wire-reader-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: WIRE_TOPIC, fromBeginning: true });
    const message = await new Promise<{ key: string; value: string; headers: Record<string, string> }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message: m }) =>
          resolve({
            key: m.key!.toString(),
            value: m.value!.toString(),
            headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
          }),
      });
    });
    await consumer.disconnect();
    expect(message.key).toBe('dictamesh:chatwoot:account/12:contact:1');
    expect(JSON.parse(message.value)).toEqual(contactChange);
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'wire-1',
      ce_source: '/dictamesh/adapters/chatwoot/accounts/12',
      ce_type: 'dictamesh.entity.updated',
      ce_subject: 'dictamesh:chatwoot:account/12:contact:1',
      ce_time: '2026-02-10T09:14:52.402Z',
      ce_traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'content-type': 'application/json',
    });
  });

  it('sends a record that is not a CloudEvent to the DLQ untouched and moves on', async () => {
    const producer = raw.producer();
    await producer.connect();
    await producer.send({ topic: WIRE_TOPIC, messages: [{ key: 'junk', value: 'not json at all' }] });
    await producer.disconnect();
    const seen: string[] = [];
    const dlq: Array<{ key: string; headers: Record<string, string> }> = [];
    await bus
      .subscribe({ groupId: 'wire-dlq-reader', topics: ['wire-dlq'], fromBeginning: true, eachMessage: async (r) => void dlq.push(r) })
      .catch(() => undefined);
    const consumer = await bus.subscribe({
      groupId: 'wire-g',
      topics: [WIRE_TOPIC],
      fromBeginning: true,
      eachMessage: async (r) => void seen.push(r.key),
    });
    expect(await drain(bus, 'wire-g', 30_000, 100)).toBe(true);
    await consumer.stop();
    expect(seen).toContain('dictamesh:chatwoot:account/12:contact:1');
    expect(seen).not.toContain('junk');
  });

  it('dead-letters a DictaMesh event whose data breaks its JSON Schema before the handler sees it (attempts 0)', async () => {
    const producer = raw.producer();
    await producer.connect();
    const ce = (id: string, data: unknown) => ({
      key: contactUrn,
      value: JSON.stringify(data),
      headers: {
        ce_specversion: '1.0',
        ce_id: id,
        ce_source: '/foreign-producer',
        ce_type: 'dictamesh.entity.updated',
        'content-type': 'application/json',
      },
    });
    await producer.send({
      topic: 'wire-s',
      messages: [ce('schema-bad', { ...contactChange, operation: 'renamed', attributes: 'x' }), ce('schema-ok', contactChange)],
    });
    await producer.disconnect();
    const handled: string[] = [];
    const dlq: Array<{ id: string; headers: Record<string, string> }> = [];
    const reader = await bus.subscribe({
      groupId: 'wire-s-dlq-reader',
      topics: ['wire-dlq'],
      fromBeginning: true,
      eachMessage: async (r) => void (r.event.id === 'schema-bad' && dlq.push({ id: r.event.id, headers: r.headers })),
    });
    const consumer = await bus.subscribe({
      groupId: 'wire-s-g',
      topics: ['wire-s'],
      fromBeginning: true,
      eachMessage: async (r) => void handled.push(r.event.id),
    });
    expect(await drain(bus, 'wire-s-g', 30_000, 100)).toBe(true);
    expect(await drain(bus, 'wire-s-dlq-reader', 30_000, 100)).toBe(true);
    await Promise.all([consumer.stop(), reader.stop()]);
    expect(handled).toEqual(['schema-ok']);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.id).toBe('schema-bad');
    expect(dlq[0]!.headers['dlq-attempts']).toBe('0');
    expect(dlq[0]!.headers['dlq-error']).toMatch(/\/operation must be equal to one of the allowed values.*\/attributes must be object/);
  });
});
