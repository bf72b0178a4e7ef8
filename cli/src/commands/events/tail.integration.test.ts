import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { KafkaEventBus, parseUrn, toEntityChangeEvent, type EntityOperation } from '@dictamesh/events';
import { tailEvents } from './tail';

const brokers = inject('kafkaBrokers').split(',');
const topic = `tail-${randomUUID().slice(0, 8)}`;
const bus = new KafkaEventBus({ brokers, topics: { names: [topic], partitions: 2, replicationFactor: 1, retentionMs: 3_600_000 } });
afterAll(() => bus.close());

const event = (type: string, subject: string) => {
  const { source, type: entityType, sourceId } = parseUrn(subject);
  const operation = type.split('.').pop() as EntityOperation;
  const change = {
    urn: subject,
    source,
    entityType,
    sourceId,
    domain: 'test',
    operation,
    attributes: {},
    occurredAt: new Date().toISOString(),
    relationships: [],
  };
  return toEntityChangeEvent(change, { id: randomUUID(), source: '/test' });
};

describe('dictamesh events tail', () => {
  it('prints decoded CloudEvents from the beginning, filtered by type and subject, and stops after --max', async () => {
    await bus.connect();
    await bus.publish(topic, [
      {
        key: 'dictamesh:chatwoot:account/12:contact:1',
        event: event('dictamesh.entity.created', 'dictamesh:chatwoot:account/12:contact:1'),
      },
      {
        key: 'dictamesh:chatwoot:account/12:contact:2',
        event: event('dictamesh.entity.updated', 'dictamesh:chatwoot:account/12:contact:2'),
      },
      { key: 'dictamesh:billing:invoice:3', event: event('dictamesh.entity.created', 'dictamesh:billing:invoice:3') },
      {
        key: 'dictamesh:chatwoot:account/12:contact:4',
        event: event('dictamesh.entity.created', 'dictamesh:chatwoot:account/12:contact:4'),
      },
    ]);
    const lines: string[] = [];
    const written = await tailEvents({
      brokers,
      topics: [topic],
      types: ['dictamesh.entity.created'],
      subjectPrefix: 'dictamesh:chatwoot:',
      fromBeginning: true,
      max: 2,
      timeoutSeconds: 60,
      write: (line) => lines.push(line),
    });
    expect(written).toBe(2);
    const decoded = lines.map(
      (l) => JSON.parse(l) as { topic: string; key: string; event: { type: string; subject: string; data: unknown; specversion: string } },
    );
    expect(decoded.map((d) => d.event.subject).sort()).toEqual([
      'dictamesh:chatwoot:account/12:contact:1',
      'dictamesh:chatwoot:account/12:contact:4',
    ]);
    for (const d of decoded) {
      expect(d).toMatchObject({
        topic,
        key: d.event.subject,
        event: { specversion: '1.0', type: 'dictamesh.entity.created', data: { urn: d.event.subject } },
      });
    }
  });

  it('stops at the timeout when nothing matches', async () => {
    const started = Date.now();
    const written = await tailEvents({
      brokers,
      topics: [topic],
      types: ['no.such.type'],
      fromBeginning: true,
      timeoutSeconds: 3,
      write: () => undefined,
    });
    expect(written).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  });
});
