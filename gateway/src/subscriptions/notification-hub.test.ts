import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, subscribe, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus, toDictaMeshEvent, TOPICS, type NotificationInApp } from '@dictamesh/events';
import { createLogger, type Principal } from '@dictamesh/runtime';
import { apiSchemaOf } from '../supergraph';
import { NotificationHub, type NotificationNotice } from './notification-hub';
import { buildSubscriptionSchema, type SubscriptionContext } from './schema';

const supergraphSdl = readFileSync(new URL('../../../schemas/supergraph.graphql', import.meta.url), 'utf8');

/** A stable UUID per label (the event schema wants UUID ids); {@link labelOf} maps it back. */
const labels = new Map<string, string>();
const uuid = (label: string) => {
  const hex = createHash('sha256').update(label).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  labels.set(id, label);
  return id;
};
const labelOf = (notice: NotificationNotice) => labels.get(notice.id) ?? notice.id;

const inApp = (id: string, org: string, subject: string, extra: Partial<NotificationInApp> = {}): NotificationInApp => ({
  org,
  notificationId: uuid(id),
  subscriberId: uuid(`sub-${org}-${subject}`),
  subscriberExternalId: subject,
  typeKey: 'billing.invoice.finalized',
  priority: 'NORMAL',
  title: `title ${id}`,
  body: `body ${id}`,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});
const publish = (bus: InProcessEventBus, events: NotificationInApp[], orgid?: (e: NotificationInApp) => string | undefined) =>
  bus.publish(
    TOPICS.notificationInApp,
    events.map((e) => {
      const org = orgid ? orgid(e) : e.org;
      return {
        key: e.org,
        event: toDictaMeshEvent(TOPICS.notificationInApp, e, {
          source: 'dictamesh:notifications',
          id: `in-app-${e.notificationId}`,
          ...(org ? { org } : {}),
        }),
      };
    }),
  );

let bus: InProcessEventBus | undefined;
let hub: NotificationHub | undefined;
afterEach(async () => {
  await hub?.stop();
  await bus?.close();
});

async function start(): Promise<NotificationHub> {
  bus = new InProcessEventBus({ partitions: 1 });
  hub = new NotificationHub({ bus, log: createLogger('test', 'silent'), groupId: 'gw' });
  await hub.start();
  return hub;
}

describe('notification hub', () => {
  it("pushes each notification to its subscriber's connections only: same organisation and same subject", async () => {
    const hub = await start();
    const seen: Record<string, string[]> = { annAcme: [], annAcme2: [], bobAcme: [], annGlobex: [] };
    const record = (name: string) => (n: NotificationNotice) => void seen[name]!.push(labelOf(n));
    hub.listen('acme', 'ann', record('annAcme'));
    hub.listen('acme', 'ann', record('annAcme2')); // a second connection of the same person
    hub.listen('acme', 'bob', record('bobAcme'));
    hub.listen('globex', 'ann', record('annGlobex')); // the same subject in another organisation
    expect(hub.size).toBe(4);
    await publish(bus!, [
      inApp('n1', 'acme', 'ann'),
      inApp('n2', 'acme', 'bob'),
      inApp('n3', 'globex', 'ann'),
      inApp('n4', 'initech', 'ann'),
      inApp('n5', 'acme', 'carol'),
    ]);
    await expect.poll(() => Object.values(seen).flat().length, { timeout: 5_000 }).toBe(4);
    // a later notification marks that everything before it was dispatched
    await publish(bus!, [inApp('n6', 'acme', 'bob')]);
    await expect.poll(() => seen.bobAcme, { timeout: 5_000 }).toEqual(['n2', 'n6']);
    expect(seen).toEqual({ annAcme: ['n1'], annAcme2: ['n1'], bobAcme: ['n2', 'n6'], annGlobex: ['n3'] });
  });

  it('gives the payload fields by name, entityUrn null when absent', async () => {
    const hub = await start();
    const seen: NotificationNotice[] = [];
    hub.listen('acme', 'ann', (n) => void seen.push(n));
    await publish(bus!, [
      inApp('n1', 'acme', 'ann', { priority: 'CRITICAL', typeKey: 'billing.payment.failed', entityUrn: 'dictamesh:crm:account:1' }),
      inApp('n2', 'acme', 'ann'),
    ]);
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
    expect(seen).toEqual([
      {
        id: uuid('n1'),
        type: 'billing.payment.failed',
        priority: 'CRITICAL',
        title: 'title n1',
        body: 'body n1',
        entityUrn: 'dictamesh:crm:account:1',
        createdAt: '2026-12-01T00:00:00.000Z',
      },
      {
        id: uuid('n2'),
        type: 'billing.invoice.finalized',
        priority: 'NORMAL',
        title: 'title n2',
        body: 'body n2',
        entityUrn: null,
        createdAt: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });

  it('pushes a redelivered notification once, and none whose CloudEvent organisation contradicts its own', async () => {
    const hub = await start();
    const seen: string[] = [];
    hub.listen('acme', 'ann', (n) => void seen.push(labelOf(n)));
    await publish(bus!, [inApp('n1', 'acme', 'ann'), inApp('n1', 'acme', 'ann')]);
    await publish(bus!, [inApp('n2', 'acme', 'ann')], () => 'globex');
    await publish(bus!, [inApp('n3', 'acme', 'ann')], () => undefined); // no orgid: the data's org
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
    await publish(bus!, [inApp('n4', 'acme', 'ann')]);
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(3);
    expect(seen).toEqual(['n1', 'n3', 'n4']);
  });

  it('stops pushing to a removed listener (removal is idempotent)', async () => {
    const hub = await start();
    const seen: string[] = [];
    const other: string[] = [];
    const stop = hub.listen('acme', 'ann', (n) => void seen.push(labelOf(n)));
    hub.listen('acme', 'ann', (n) => void other.push(labelOf(n)));
    await publish(bus!, [inApp('n1', 'acme', 'ann')]);
    await expect.poll(() => other.length, { timeout: 5_000 }).toBe(1);
    stop();
    stop();
    expect(hub.size).toBe(1);
    await publish(bus!, [inApp('n2', 'acme', 'ann')]);
    await expect.poll(() => other.length, { timeout: 5_000 }).toBe(2);
    expect(seen).toEqual(['n1']);
  });
});

describe('notificationReceived subscription', () => {
  const schema = buildSubscriptionSchema(apiSchemaOf(supergraphSdl));
  const ann: Principal = { subject: 'ann', org: 'acme', scopes: ['notifications:read'], method: 'jwt' };
  const run = (principal: Principal, reasons: string[] = [], bufferLimit = 100) =>
    subscribe({
      schema,
      document: parse('subscription { notificationReceived { id type priority title body entityUrn createdAt } }'),
      contextValue: {
        hub: undefined as never,
        notificationHub: hub,
        principal,
        bufferLimit,
        execute: async () => ({ data: null }),
        disconnect: (reason: string) => void reasons.push(reason),
      } satisfies SubscriptionContext,
    });

  it('is in the subscription schema with the payload type of the gateway', () => {
    const field = schema.getSubscriptionType()!.getFields().notificationReceived!;
    expect(String(field.type)).toBe('NotificationReceived!');
    const type = schema.getType('NotificationReceived') as GraphQLObjectType;
    expect(Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, String(f.type)]))).toEqual({
      id: 'ID!',
      type: 'String!',
      priority: 'NotificationPriority!',
      title: 'String!',
      body: 'String!',
      entityUrn: 'String',
      createdAt: 'DateTime!',
    });
  });

  it("streams the caller's own notifications, for every scope that reads notifications", async () => {
    await start();
    for (const scope of ['notifications:read', 'notifications:write', 'notifications:admin', 'dictamesh:admin', 'dictamesh:platform']) {
      const iterator = (await run({ ...ann, scopes: [scope] })) as AsyncIterableIterator<ExecutionResult>;
      expect(hub!.size).toBe(1);
      await publish(bus!, [inApp(`x-${scope}`, 'acme', 'bob'), inApp(`n-${scope}`, 'acme', 'ann', { entityUrn: 'u' })]);
      expect(await iterator.next()).toEqual({
        done: false,
        value: {
          data: {
            notificationReceived: {
              id: uuid(`n-${scope}`),
              type: 'billing.invoice.finalized',
              priority: 'NORMAL',
              title: `title n-${scope}`,
              body: `body n-${scope}`,
              entityUrn: 'u',
              createdAt: '2026-12-01T00:00:00.000Z',
            },
          },
        },
      });
      await iterator.return!();
      expect(hub!.size).toBe(0);
    }
  });

  it('refuses a caller without a notifications scope with FORBIDDEN, listening to nothing', async () => {
    await start();
    for (const principal of [
      { ...ann, scopes: ['catalog:read', 'config:read'] },
      { ...ann, scopes: [] },
    ]) {
      const result = (await run(principal)) as ExecutionResult;
      expect(result.errors?.map((e) => e.extensions['code'])).toEqual(['FORBIDDEN']);
      expect(hub!.size).toBe(0);
    }
  });

  it('disconnects a subscriber that falls too far behind', async () => {
    await start();
    const reasons: string[] = [];
    const iterator = (await run(ann, reasons, 3)) as AsyncIterableIterator<ExecutionResult>;
    await publish(
      bus!,
      Array.from({ length: 6 }, (_, i) => inApp(`n${i}`, 'acme', 'ann')),
    );
    await expect.poll(() => reasons, { timeout: 5_000 }).toEqual(['subscriber too slow: 3 notifications buffered']);
    expect(hub!.size).toBe(0);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});
