import { CloudEvent } from 'cloudevents';
import { readFileSync } from 'node:fs';
import { parse, subscribe, type ExecutionResult } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITY_TOPICS, InProcessEventBus, type EntityChange } from '@dictamesh/events';
import { ANONYMOUS, createLogger, DEFAULT_ORG } from '@dictamesh/runtime';
import { supergraphAwareFieldResolver } from './delegate';
import { EntityChangeHub, matches } from './hub';
import { buildSubscriptionSchema, type SubscriptionContext } from './schema';
import { apiSchemaOf } from '../supergraph';

// the composed supergraph the gateway serves (schemas/), not the catalog service's own module:
// services never import each other
const supergraphSdl = readFileSync(new URL('../../../schemas/supergraph.graphql', import.meta.url), 'utf8');

const change = (i: number, type = 'contact'): EntityChange => ({
  urn: `dictamesh:test:${type}:${i}`,
  source: 'test',
  entityType: type,
  sourceId: String(i),
  domain: 'd',
  operation: 'created',
  attributes: {},
  occurredAt: '2026-01-01T00:00:00.000Z',
  relationships: [],
});
const publish = (bus: InProcessEventBus, changes: EntityChange[], org?: string) =>
  bus.publish(
    ENTITY_TOPICS[0],
    changes.map((c) => ({
      key: c.urn,
      event: new CloudEvent({ id: c.urn, source: '/t', type: ENTITY_TOPICS[0], subject: c.urn, data: c, ...(org ? { orgid: org } : {}) }),
    })),
  );

let bus: InProcessEventBus;
let hub: EntityChangeHub;
afterEach(async () => {
  await hub?.stop();
  await bus?.close();
});

async function start(maxApplyWaitMs = 10_000) {
  bus = new InProcessEventBus({ partitions: 1 });
  hub = new EntityChangeHub({
    bus,
    log: createLogger('test', 'silent'),
    appliedByGroup: 'catalog',
    groupId: 'gateway',
    maxApplyWaitMs,
    pollMs: 5,
  });
  await hub.start();
}

describe('entityChanged subscription', () => {
  const schema = buildSubscriptionSchema(apiSchemaOf(supergraphSdl));

  it('holds a change until the catalog group has committed past it', async () => {
    await start();
    const seen: string[] = [];
    hub.listen(DEFAULT_ORG, null, (n) => void seen.push(n.urn));
    await publish(bus, [change(1)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([]); // the catalog has not applied it
    await bus.subscribe({ groupId: 'catalog', topics: ENTITY_TOPICS, fromBeginning: true, eachMessage: async () => undefined });
    await expect.poll(() => seen, { timeout: 5_000 }).toEqual(['dictamesh:test:contact:1']);
  });

  it("delivers each organisation's changes to its own subscribers only", async () => {
    await start(0);
    const seen: Record<string, string[]> = { acme: [], globex: [], [DEFAULT_ORG]: [] };
    for (const org of Object.keys(seen)) hub.listen(org, null, (n) => void seen[org]!.push(n.urn));
    await publish(bus, [change(31)], 'acme');
    await publish(bus, [change(32)], 'globex');
    await publish(bus, [change(33)]);
    await expect.poll(() => Object.values(seen).flat().length, { timeout: 5_000 }).toBe(3);
    expect(seen).toEqual({
      acme: ['dictamesh:test:contact:31'],
      globex: ['dictamesh:test:contact:32'],
      [DEFAULT_ORG]: ['dictamesh:test:contact:33'],
    });
  });

  it('delivers anyway after the apply deadline when the catalog is down', async () => {
    await start(200);
    const seen: string[] = [];
    hub.listen(DEFAULT_ORG, null, (n) => void seen.push(n.urn));
    await publish(bus, [change(2)]);
    await expect.poll(() => seen, { timeout: 5_000 }).toEqual(['dictamesh:test:contact:2']);
  });

  it('disconnects a subscriber that falls too far behind, without slowing the hub', async () => {
    await start(0);
    const reasons: string[] = [];
    const context: SubscriptionContext = {
      hub,
      principal: ANONYMOUS,
      bufferLimit: 5,
      execute: async () => ({ data: { entity: null } }),
      disconnect: (reason) => void reasons.push(reason),
    };
    const iterator = (await subscribe({
      schema,
      document: parse('subscription { entityChanged { urn } }'),
      contextValue: context,
      fieldResolver: supergraphAwareFieldResolver,
    })) as AsyncIterableIterator<ExecutionResult>;
    const fast: string[] = [];
    hub.listen(DEFAULT_ORG, null, (n) => void fast.push(n.urn));
    expect(hub.size).toBe(2);
    await publish(
      bus,
      Array.from({ length: 20 }, (_, i) => change(100 + i)),
    );
    await expect.poll(() => fast.length, { timeout: 5_000 }).toBe(20); // another subscriber is not held up
    expect(reasons).toEqual(['subscriber too slow: 5 entity changes buffered']);
    expect(hub.size).toBe(1); // the slow one is gone
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('filters by urns, types, sources and operations (lists OR inside, AND across)', () => {
    const notice = {
      eventId: 'e',
      operation: 'UPDATED' as const,
      urn: 'u1',
      type: 'contact',
      source: 'chatwoot',
      occurredAt: '',
      changedAttributes: null,
    };
    expect(matches(null, notice)).toBe(true);
    expect(matches({ types: ['contact', 'message'], sources: ['chatwoot'] }, notice)).toBe(true);
    expect(matches({ types: ['contact'], operations: ['CREATED'] }, notice)).toBe(false);
    expect(matches({ urns: ['u2'] }, notice)).toBe(false);
    expect(matches({ urns: [] }, notice)).toBe(true);
  });
});
