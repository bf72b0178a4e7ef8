import { CloudEvent } from 'cloudevents';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type NotificationChannel } from '@dictamesh/db';
import {
  InProcessEventBus,
  TOPICS,
  toDictaMeshEvent,
  toEntityChangeEvent,
  type BillingInvoiceEvent,
  type Consumer,
  type EntityChange,
} from '@dictamesh/events';
import { createErrorFormatter, type Principal } from '@dictamesh/runtime';
import pino from 'pino';
import { createRequestContext, startConsumer } from '@dictamesh/subgraph-kit';
import type { NotificationsServices } from '../context';
import { buildNotificationsSchema } from '../schema';
import { testServices } from '../send/test-fixtures';
import { createTableQueue } from '../send/test-queue';
import { renderNotification } from '../templates/render';
import { seedPlatformTypes } from '../types/seed';
import { notificationTriggers, TRIGGER_GROUPS } from './consumers';

// The triggers on PGlite and the in-process bus: entity changes matched against rules, billing
// events to the billing email, adapter health and dead letters to subscribed subscribers; rules
// written through the subgraph schema.
let db: Database;
let services: NotificationsServices;
let bus: InProcessEventBus;
const consumers: Consumer[] = [];
const schema = buildNotificationsSchema();
const clock = { now: new Date('2026-12-01T04:00:00.000Z') };
const ids: Record<string, string> = {};
/** Errors as the subgraph answers them (codes and details in `extensions`). */
const formatError = createErrorFormatter(pino({ level: 'silent' }));

async function gql(subject: string, org: string, query: string, variables: Record<string, unknown> = {}, scopes = ['notifications:write']) {
  const principal: Principal = { subject, org, scopes, method: 'jwt' };
  const result = await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: { ...createRequestContext(principal), ...services },
  });
  const errors = result.errors?.map((error) => formatError(error.toJSON(), error));
  return JSON.parse(JSON.stringify({ ...result, ...(errors ? { errors } : {}) })) as {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of GraphQL JSON
    data?: Record<string, any> | null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of GraphQL JSON
    errors?: { message: string; extensions?: Record<string, any> }[];
  };
}

/** Waits (bounded) until every trigger group has handled everything published so far. */
async function settled() {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lags = await Promise.all(Object.values(TRIGGER_GROUPS).map((group) => bus.lag(group)));
    if (lags.every((lag) => lag === 0)) return;
    if (Date.now() > deadline) throw new Error(`trigger groups still lag: ${lags.join(', ')}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function change(over: Partial<EntityChange> = {}): EntityChange {
  return {
    urn: 'dictamesh:chatwoot:contact:42',
    source: 'chatwoot',
    entityType: 'contact',
    sourceId: '42',
    domain: 'crm',
    operation: 'updated',
    displayName: 'Ada Lovelace',
    attributes: { email: 'ada@example.com' },
    changedAttributes: ['email'],
    occurredAt: '2026-12-01T03:59:00.000Z',
    relationships: [],
    ...over,
  };
}

async function publishChange(id: string, org: string, over: Partial<EntityChange> = {}) {
  const data = change(over);
  await bus.publish(TOPICS[`entity${data.operation[0]!.toUpperCase()}${data.operation.slice(1)}` as 'entityUpdated'], [
    { key: data.urn, event: toEntityChangeEvent(data, { id, source: '/dictamesh/adapters/chatwoot', org }) },
  ]);
}

const notificationsOf = (where: Record<string, unknown>) =>
  db.prisma.notification.findMany({ where, include: { deliveries: { orderBy: { channel: 'asc' } } }, orderBy: { createdAt: 'asc' } });

const render = (typeKey: string, channel: NotificationChannel, variables: Record<string, unknown>, orgId = 'acme') =>
  renderNotification(db.prisma, { orgId, typeKey, channel, locale: 'en', variables });

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await seedPlatformTypes(db.prisma);
  services = testServices(db.prisma, await createTableQueue(db.prisma), clock);
  bus = new InProcessEventBus({ retryInitialDelayMs: 1 });
  for (const spec of Object.values(notificationTriggers(services))) consumers.push(await startConsumer(bus, spec));
  const subscriber = (orgId: string, externalId: string, email: string, subscribed: string[] = []) =>
    db.prisma.notificationSubscriber.create({
      data: {
        orgId,
        externalId,
        addresses: { create: { channel: 'EMAIL', address: email } },
        preferences: { create: subscribed.map((typeKey) => ({ typeKey, enabled: true })) },
      },
    });
  ids.ann = (await subscriber('acme', 'ann', 'ann@acme.test')).id;
  ids.ops = (await subscriber('acme', 'ops', 'ops@acme.test', ['adapter.unhealthy', 'dlq.dead_letter', 'billing.invoice.finalized'])).id;
  ids.gina = (await subscriber('globex', 'gina', 'gina@globex.test', ['adapter.unhealthy'])).id;
}, 120_000);

afterAll(async () => {
  for (const consumer of consumers) await consumer.stop();
  await bus?.close();
  await db?.close();
});

const CREATE = /* GraphQL */ `
  mutation ($input: NotificationRuleInput!) {
    createNotificationRule(input: $input) {
      id
      name
      type
      channels
      enabled
      filter {
        entityTypes
        sources
        urnPrefix
        operations
      }
    }
  }
`;

describe('rules', () => {
  it('refuses a bad filter listing every problem, writing nothing', async () => {
    const result = await gql('ann', 'acme', CREATE, {
      input: {
        name: ' ',
        filter: { entityTypes: [''], urnPrefix: 'urn:dictamesh:acme:', sources: ['x'.repeat(101)] },
        channels: ['WEBHOOK'],
      },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'NOTIFICATION_RULE_INVALID',
      problems: [
        { field: 'name', problem: 'must not be empty' },
        { field: 'filter.entityTypes[0]', problem: 'must be a non-empty string' },
        { field: 'filter.sources[0]', problem: 'at most 100 characters (got 101)' },
        { field: 'filter.urnPrefix', problem: 'entity URNs start with `dictamesh:` (no `urn:`), e.g. `dictamesh:chatwoot:contact:`' },
        { field: 'channels', problem: "WEBHOOK goes to the organisation's endpoints, not to the rule's subscriber" },
      ],
    });
    const none = await gql('ann', 'acme', CREATE, { input: { name: 'nothing', filter: {} } });
    expect(none.errors?.[0]?.extensions).toMatchObject({
      code: 'NOTIFICATION_RULE_INVALID',
      problems: [{ field: 'filter', problem: 'needs at least one of entityTypes, sources, urnPrefix, operations' }],
    });
    expect(
      (await gql('ann', 'acme', CREATE, { input: { name: 'x', type: 'no.such.type', filter: { sources: ['chatwoot'] } } })).errors?.[0]
        ?.extensions?.code,
    ).toBe('NOTIFICATION_TYPE_UNKNOWN');
    expect(
      (await gql('ann', 'acme', CREATE, { input: { name: 'x', filter: { sources: ['chatwoot'] }, channels: ['SMS'] } })).errors?.[0]
        ?.extensions?.code,
    ).toBe('NOTIFICATION_CHANNEL_UNAVAILABLE');
    expect(
      (await gql('ann', 'acme', CREATE, { input: { name: 'x', filter: { sources: ['chatwoot'] } } }, ['notifications:read'])).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(await db.prisma.notificationRule.count()).toBe(0);
  }, 120_000);

  it("creates, lists, updates and deletes the caller's own rules only", async () => {
    const created = await gql('ann', 'acme', CREATE, {
      input: {
        name: 'Contacts I follow',
        filter: { sources: ['chatwoot'], entityTypes: ['contact'], operations: ['UPDATED', 'DELETED'] },
        channels: ['EMAIL'],
      },
    });
    expect(created.errors).toBeUndefined();
    const rule = created.data!.createNotificationRule;
    ids.rule = rule.id;
    expect(rule).toEqual({
      id: rule.id,
      name: 'Contacts I follow',
      type: 'entity.changed',
      channels: ['EMAIL'],
      enabled: true,
      filter: { entityTypes: ['contact'], sources: ['chatwoot'], urnPrefix: null, operations: ['UPDATED', 'DELETED'] },
    });
    const other = await gql('bob', 'acme', CREATE, { input: { name: 'All of hubspot', filter: { sources: ['hubspot'] }, enabled: false } });
    ids.bobRule = other.data!.createNotificationRule.id;

    const mine = await gql('ann', 'acme', `{ myNotificationRules { id name } }`, {}, ['notifications:read']);
    expect(mine.data!.myNotificationRules).toEqual([{ id: rule.id, name: 'Contacts I follow' }]);
    // bob's rule is not ann's: unknown to her, and untouched
    const update = `mutation ($id: ID!, $input: NotificationRuleInput!) { updateNotificationRule(id: $id, input: $input) { name } }`;
    expect(
      (await gql('ann', 'acme', update, { id: ids.bobRule, input: { name: 'mine now', filter: { sources: ['x'] } } })).errors?.[0]
        ?.extensions?.code,
    ).toBe('NOTIFICATION_RULE_UNKNOWN');
    expect(
      (await gql('ann', 'acme', update, { id: 'not-a-uuid', input: { name: 'x', filter: { sources: ['x'] } } })).errors?.[0]?.extensions
        ?.code,
    ).toBe('NOTIFICATION_RULE_UNKNOWN');
    expect((await gql('gina', 'globex', `mutation ($id: ID!) { deleteNotificationRule(id: $id) }`, { id: rule.id })).data).toEqual({
      deleteNotificationRule: false,
    });
    expect((await db.prisma.notificationRule.findUniqueOrThrow({ where: { id: ids.bobRule } })).name).toBe('All of hubspot');
    const entities = await gql(
      'ann',
      'acme',
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Entity { urn notificationRules { id } } } }`,
      {
        r: [
          { __typename: 'Entity', urn: 'dictamesh:chatwoot:contact:42' },
          { __typename: 'Entity', urn: 'dictamesh:chatwoot:conversation:7' },
          { __typename: 'Entity', urn: 'dictamesh:hubspot:contact:9' },
        ],
      },
      ['notifications:read'],
    );
    expect(entities.data!._entities).toEqual([
      { urn: 'dictamesh:chatwoot:contact:42', notificationRules: [{ id: rule.id }] },
      { urn: 'dictamesh:chatwoot:conversation:7', notificationRules: [] },
      { urn: 'dictamesh:hubspot:contact:9', notificationRules: [] },
    ]);
  }, 120_000);
});

describe('entity changes', () => {
  it("notifies the rule's subscriber of a matching change once, not of others or of another organisation's", async () => {
    await publishChange('chg-1', 'acme');
    await publishChange('chg-1', 'acme'); // redelivered
    await publishChange('chg-2', 'acme', { operation: 'created' }); // operation not followed
    await publishChange('chg-3', 'acme', { urn: 'dictamesh:chatwoot:conversation:7', entityType: 'conversation', sourceId: '7' });
    await publishChange('chg-4', 'globex'); // same change, another organisation
    await publishChange('chg-5', 'acme', { urn: 'dictamesh:hubspot:contact:9', source: 'hubspot', sourceId: '9' }); // bob's rule is disabled
    await settled();
    const sent = await notificationsOf({ typeKey: 'entity.changed' });
    expect(sent.map((n) => [n.orgId, n.subscriberId, n.ruleId, n.entityUrn, n.sourceEventId])).toEqual([
      ['acme', ids.ann, ids.rule, 'dictamesh:chatwoot:contact:42', 'chg-1'],
    ]);
    const variables = {
      ruleName: 'Contacts I follow',
      operation: 'updated',
      entityUrn: 'dictamesh:chatwoot:contact:42',
      entityType: 'contact',
      source: 'chatwoot',
      occurredAt: '2026-12-01T03:59:00.000Z',
      entityName: 'Ada Lovelace',
      changedFields: ['email'],
    };
    expect(sent[0]!.payload).toEqual(variables);
    const email = await render('entity.changed', 'EMAIL', variables);
    expect(sent[0]!.deliveries.map((d) => [d.channel, d.destination, d.status, d.subject, d.content, d.html])).toEqual([
      ['EMAIL', 'ann@acme.test', 'QUEUED', email.subject, email.text, email.html],
    ]);
    expect(email.text).toContain('dictamesh:chatwoot:contact:42');
  }, 120_000);

  it('follows rule writes from the next batch: a disabled rule notifies nobody', async () => {
    const update = `mutation ($id: ID!, $input: NotificationRuleInput!) { updateNotificationRule(id: $id, input: $input) { enabled } }`;
    const off = await gql('ann', 'acme', update, {
      id: ids.rule,
      input: { name: 'Contacts I follow', filter: { sources: ['chatwoot'] }, enabled: false },
    });
    expect(off.data).toEqual({ updateNotificationRule: { enabled: false } });
    await publishChange('chg-6', 'acme');
    await settled();
    expect(await db.prisma.notification.count({ where: { typeKey: 'entity.changed' } })).toBe(1);
  }, 120_000);
  it('skips a match that can never be accepted (a type without templates) without blocking the partition or dead-lettering', async () => {
    await db.prisma.notificationType.create({ data: { orgId: 'acme', key: 'custom.bare', defaultChannels: ['EMAIL'] } });
    for (const [name, type] of [
      ['Jira, bare', 'custom.bare'],
      ['Jira', 'entity.changed'],
    ]) {
      const created = await gql('ann', 'acme', CREATE, { input: { name, type, filter: { sources: ['jira'] }, channels: ['IN_APP'] } });
      expect(created.errors).toBeUndefined();
    }
    const jira = { urn: 'dictamesh:jira:issue:DM-1', source: 'jira', entityType: 'issue', sourceId: 'DM-1' };
    await publishChange('chg-7', 'acme', jira);
    await publishChange('chg-8', 'acme', { ...jira, operation: 'deleted' });
    await settled();
    const sent = await notificationsOf({ typeKey: { in: ['entity.changed', 'custom.bare'] }, entityUrn: jira.urn });
    expect(sent.map((n) => [n.typeKey, n.sourceEventId, n.payload && (n.payload as { ruleName: string }).ruleName])).toEqual([
      ['entity.changed', 'chg-7', 'Jira'],
      ['entity.changed', 'chg-8', 'Jira'],
    ]);
    expect(await db.prisma.notification.count({ where: { typeKey: 'dlq.dead_letter' } })).toBe(0);
  }, 120_000);
});

describe('billing events', () => {
  it("mails an invoice finalized to the organisation's billing email with the rendered template, and tells subscribed subscribers", async () => {
    const data: BillingInvoiceEvent = {
      org: 'acme',
      billingEmail: 'billing@acme.test',
      invoiceId: 'inv-1',
      subscriptionId: 'sub-1',
      number: 'ACME-000001',
      status: 'FINALIZED',
      currency: 'EUR',
      totalMinor: '60194',
      amountDueMinor: '60194',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      dueAt: '2026-12-15T00:00:00.000Z',
      occurredAt: '2026-12-01T00:05:00.000Z',
    };
    const event = toDictaMeshEvent(TOPICS.invoiceFinalized, data, {
      id: 'inv-1.finalized',
      source: 'dictamesh:billing',
      org: 'acme',
      subject: 'invoice:inv-1',
    });
    await bus.publish(TOPICS.invoiceFinalized, [{ key: 'acme', event }]);
    await bus.publish(TOPICS.invoiceFinalized, [{ key: 'acme', event }]); // redelivered
    await settled();
    // the subscriber's notification, then the organisation-level one (the billing email)
    const sent = (await notificationsOf({ typeKey: 'billing.invoice.finalized' })).sort(
      (a, b) => Number(a.subscriberId === null) - Number(b.subscriberId === null),
    );
    const variables = {
      invoiceId: 'inv-1',
      currency: 'EUR',
      total: 'EUR 601.94',
      amountDue: 'EUR 601.94',
      invoiceNumber: 'ACME-000001',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      dueAt: '2026-12-15T00:00:00.000Z',
    };
    expect(sent.map((n) => [n.subscriberId, n.sourceEventId, n.payload])).toEqual([
      [ids.ops, 'inv-1.finalized', variables],
      [null, 'inv-1.finalized', variables],
    ]);
    const email = await render('billing.invoice.finalized', 'EMAIL', variables);
    expect(email.subject).toContain('ACME-000001');
    expect(email.text).toContain('EUR 601.94');
    expect(sent[1]!.deliveries.map((d) => [d.channel, d.destination, d.subject, d.content, d.html])).toEqual([
      ['EMAIL', 'billing@acme.test', email.subject, email.text, email.html],
    ]);
    expect(sent[0]!.deliveries.map((d) => [d.channel, d.destination])).toEqual([
      ['EMAIL', 'ops@acme.test'],
      ['IN_APP', null],
    ]);
  }, 120_000);
});

describe('platform events', () => {
  it('tells subscribed subscribers of an unhealthy adapter of their organisation only', async () => {
    const health = (healthy: boolean, id: string) =>
      toDictaMeshEvent(
        TOPICS.adapterEvent,
        {
          adapterId: 'crm-1',
          kind: 'chatwoot',
          event: 'health.changed',
          status: 'RUNNING',
          health: { healthy, message: healthy ? null : 'HTTP 503' },
          occurredAt: '2026-12-01T03:30:00.000Z',
        },
        { id, source: '/dictamesh/adapters/crm-1', subject: 'crm-1', org: 'acme' },
      );
    await bus.publish(TOPICS.adapterEvent, [
      { key: 'crm-1', event: health(false, 'h-1') },
      { key: 'crm-1', event: health(true, 'h-2') },
    ]);
    await settled();
    const sent = await notificationsOf({ typeKey: { startsWith: 'adapter.' } });
    const variables = {
      adapterId: 'crm-1',
      kind: 'chatwoot',
      status: 'RUNNING',
      message: 'HTTP 503',
      occurredAt: '2026-12-01T03:30:00.000Z',
    };
    expect(sent.map((n) => [n.orgId, n.subscriberId, n.typeKey, n.sourceEventId, n.payload])).toEqual([
      ['acme', ids.ops, 'adapter.unhealthy', 'h-1', variables],
    ]);
    const inApp = await render('adapter.unhealthy', 'IN_APP', variables);
    expect([sent[0]!.title, sent[0]!.body]).toEqual([inApp.subject, inApp.text]);
  }, 120_000);

  it('tells a dead letter of a known organisation from its dlq-* headers, and skips one of no known organisation', async () => {
    const before = Date.now();
    const original = toEntityChangeEvent(change(), { id: 'poison-1', source: '/dictamesh/adapters/chatwoot', org: 'acme' });
    const anonymous = new CloudEvent<unknown>({ id: 'poison-2', source: '/x', type: TOPICS.entityUpdated, data: { broken: true } }, false);
    const headers = {
      'dlq-error': 'boom',
      'dlq-original-topic': TOPICS.entityUpdated,
      'dlq-original-partition': '1',
      'dlq-original-offset': '17',
      'dlq-consumer-group': 'dictamesh-catalog',
      'dlq-attempts': '5',
    };
    await bus.publish(TOPICS.dlq, [
      { key: 'dictamesh:chatwoot:contact:42', event: original, headers },
      { key: 'dictamesh:chatwoot:contact:43', event: anonymous, headers: { ...headers, 'dlq-original-offset': '18' } },
      { key: 'x', event: anonymous, headers: {} },
    ]);
    await settled();
    const sent = await notificationsOf({ typeKey: 'dlq.dead_letter' });
    expect(sent.map((n) => [n.orgId, n.subscriberId, n.sourceEventId, n.payload])).toEqual([
      [
        'acme',
        ids.ops,
        'dlq:dictamesh-catalog:dictamesh.entity.updated:1:17',
        { topic: TOPICS.entityUpdated, consumerGroup: 'dictamesh-catalog', error: 'boom', attempts: 5, occurredAt: expect.any(String) },
      ],
    ]);
    // when the DLQ took the record
    const at = Date.parse((sent[0]!.payload as { occurredAt: string }).occurredAt);
    expect(at >= before && at <= Date.now()).toBe(true);
    expect(await bus.lag('dictamesh-notifications-platform')).toBe(0);
  }, 120_000);
});
