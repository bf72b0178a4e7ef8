import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gql, postAllFixtures, postWebhook, startTestStack, tempDataDir } from '../test/harness';
import type { Stack } from './stack';

const dataDir = tempDataDir();
let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack(dataDir, {}, { KAFKA_BROKERS: inject('kafkaBrokers'), KAFKA_TOPIC_PARTITIONS: '3' });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DictaMesh end to end on a real Kafka broker', () => {
  it('ingests every fixture webhook through Kafka and answers through the gateway', async () => {
    const statuses = await postAllFixtures(stack);
    expect(statuses).toEqual(Array(statuses.length).fill(202));
    expect(await stack.drained(60_000)).toBe(true);
    const { data, errors } = await gql<{ entity: { displayName: string; conversations: Array<{ messages: Array<{ urn: string }> }> } }>(
      stack,
      `{ entity(urn: "dictamesh:chatwoot:account/12:contact:1187") { displayName
          conversations: related(type: "WITH_CONTACT", direction: INCOMING) { messages: related(type: "PART_OF", direction: INCOMING) { urn } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.entity.displayName).toBe('Maya Okafor');
    expect(data!.entity.conversations[0]!.messages).toHaveLength(2);
  });

  it('records the Kafka position of every applied event in the event log', async () => {
    const rows = await stack.db.prisma.eventLog.findMany({ select: { topic: true, partition: true, offset: true } });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.topic).toMatch(/^dictamesh\.entity\.(created|updated|deleted)$/);
      expect(row.partition).toBeGreaterThanOrEqual(0);
      expect(row.partition).toBeLessThan(3);
      expect(Number(row.offset)).toBeGreaterThanOrEqual(0);
    }
  });

  it('acknowledges a webhook only after the broker holds its events', async () => {
    const response = await postWebhook(
      stack,
      JSON.stringify({ event: 'contact_created', id: 7001, name: 'Kafka Ack', account: { id: 12 } }),
    );
    expect(response.status).toBe(202);
    expect(await stack.drained(60_000)).toBe(true);
    const { data } = await gql<{ entity: { displayName: string } }>(
      stack,
      `{ entity(urn: "dictamesh:chatwoot:account/12:contact:7001") { displayName } }`,
    );
    expect(data!.entity.displayName).toBe('Kafka Ack');
  });
});
