import { afterEach, describe, expect, it, vi } from 'vitest';
import { drain, InProcessEventBus, schemaValidation, TOPICS, type BusRecord, type EntityChange } from '@dictamesh/events';
import { publishChanges } from './publish';

const change = (n: number, operation: EntityChange['operation'] = 'updated'): EntityChange => ({
  urn: `dictamesh:crm:contact:${n}`,
  source: 'crm',
  entityType: 'contact',
  sourceId: String(n),
  domain: 'sales',
  operation,
  attributes: { name: `Contact ${n}` },
  occurredAt: '2026-02-10T09:14:52.402Z',
  relationships: [],
});
const parsed = (changes: EntityChange[]) => ({
  source: '/dictamesh/adapters/crm',
  sourceEvent: 'contact_updated',
  changes: changes.map((c, i) => ({ id: `evt-${c.urn}-${i}`, change: c })),
});

const buses: InProcessEventBus[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const bus of buses.splice(0)) await bus.close();
});

/** An in-process bus with a consumer group on the entity topics that keeps what it receives. */
async function busWithConsumer() {
  const bus = new InProcessEventBus({ partitions: 2, retryInitialDelayMs: 1 });
  buses.push(bus);
  const received: BusRecord[] = [];
  const dead: BusRecord[] = [];
  await bus.subscribe({
    groupId: 'consumer',
    topics: [TOPICS.entityCreated, TOPICS.entityUpdated, TOPICS.entityDeleted],
    fromBeginning: true,
    eachMessage: async (record) => void received.push(record),
  });
  await bus.subscribe({ groupId: 'dlq', topics: [TOPICS.dlq], fromBeginning: true, eachMessage: async (r) => void dead.push(r) });
  return { bus, received, dead };
}

describe('publishChanges: one JSON Schema check per change and process', () => {
  it('checks each change once on its way from the adapter through the in-process bus to a consumer', async () => {
    const { bus, received } = await busWithConsumer();
    const checks = vi.spyOn(schemaValidation, 'check');
    const changes = [change(1, 'created'), change(2), change(3, 'deleted')];

    const published = await publishChanges(bus, parsed(changes));
    expect(published.map((p) => p.type)).toEqual(['dictamesh.entity.created', 'dictamesh.entity.updated', 'dictamesh.entity.deleted']);
    expect(await drain(bus, 'consumer', 30_000, 1)).toBe(true);

    expect(received.map((r) => r.key).sort()).toEqual(changes.map((c) => c.urn).sort());
    // the producer's check only: publishing and in-process delivery do not check again
    expect(checks).toHaveBeenCalledTimes(changes.length);
  });

  it('refuses a change that breaks the schema with BAD_USER_INPUT, publishing nothing of the call', async () => {
    const { bus, received, dead } = await busWithConsumer();
    const bad = { ...change(2), attributes: 'not an object' } as unknown as EntityChange;
    const error = await publishChanges(bus, parsed([change(1), bad])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
    expect((error as Error).message).toMatch(/invalid dictamesh\.entity\.updated data: \/attributes must be object/);
    expect(await drain(bus, 'consumer', 30_000, 1)).toBe(true);
    expect(received).toEqual([]);
    expect(dead).toEqual([]);
  });
});
