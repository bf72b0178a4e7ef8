import { randomUUID } from 'node:crypto';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@dictamesh/db';
import { DictaMeshError, type Principal } from '@dictamesh/runtime';
import { createRequestContext } from '@dictamesh/subgraph-kit';
import type { NotificationsServices } from '../context';
import { deliver } from '../deliver/deliver';
import { buildNotificationsSchema } from '../schema';
import { openSendTestBed, rowCounts, type SendFixtures } from '../send/test-fixtures';
import type { TableQueue } from '../send/test-queue';

// sendNotification / sendTestNotification, the caller's inbox and the delivery administration,
// executed on the subgraph schema with a request context (no HTTP), on an in-memory PGlite.
const TIMEOUT = 120_000;
let db: Database;
let queue: TableQueue;
let services: NotificationsServices;
let f: SendFixtures;
const clock = { now: new Date('2026-12-01T10:00:00.000Z') };
const schema = buildNotificationsSchema();

// GraphQL answers are read loosely in assertions (their exact values are asserted)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

interface Answer {
  data?: Record<string, Loose>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function run(
  who: { subject: string; org: string; scopes: string[] },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const principal: Principal = { ...who, method: 'jwt' };
  const result = await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: { ...createRequestContext(principal), ...services },
  });
  const errors = result.errors?.map((e) => ({
    message: e.message,
    extensions: { code: e.originalError instanceof DictaMeshError ? e.originalError.code : undefined },
  }));
  return JSON.parse(JSON.stringify({ data: result.data ?? undefined, ...(errors ? { errors } : {}) })) as Answer;
}
const codes = (answer: Answer) => answer.errors?.map((e) => e.extensions?.code);

const ann = { subject: 'ann', org: 'acme', scopes: ['notifications:write'] };
const annReader = { subject: 'ann', org: 'acme', scopes: ['notifications:read'] };
const admin = { subject: 'root', org: 'acme', scopes: ['notifications:admin'] };
const globexAdmin = { subject: 'gadmin', org: 'globex', scopes: ['notifications:admin'] };
const gina = { subject: 'gina', org: 'globex', scopes: ['notifications:write'] };

const SEND = /* GraphQL */ `
  mutation ($input: SendNotificationInput!) {
    sendNotification(input: $input) {
      replayed
      notifications {
        id
        type
        status
        title
        read
        deliveries {
          channel
          destination
          status
        }
      }
    }
  }
`;
const INBOX = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: NotificationFilter) {
    myNotifications(first: $first, after: $after, filter: $filter) {
      unreadCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          title
          read
        }
      }
      nodes {
        id
      }
    }
  }
`;

beforeAll(async () => {
  ({ db, queue, services, f } = await openSendTestBed(clock));
}, TIMEOUT);
afterAll(async () => {
  await db?.close();
});

describe('sendNotification', () => {
  it(
    'sends to a subscriber by external id (created on first use), by id and to a direct address, and replays an idempotency key',
    async () => {
      const input = {
        type: 'ops.alert',
        recipients: [
          { subscriberExternalId: 'erin' },
          { subscriberId: f.ann },
          { address: { channel: 'EMAIL', address: 'ops@acme.test' } },
        ],
        variables: { name: 'api', status: 'degraded' },
        channels: ['IN_APP', 'EMAIL'],
        idempotencyKey: 'deploy-42',
      };
      const first = await run(ann, SEND, { input });
      expect(first.errors).toBeUndefined();
      const erin = await db.prisma.notificationSubscriber.findUniqueOrThrow({
        where: { orgId_externalId: { orgId: 'acme', externalId: 'erin' } },
      });
      const result = first.data!.sendNotification;
      expect(result.replayed).toBe(false);
      expect(
        result.notifications.map((n: Loose) => [
          n.type,
          n.status,
          n.title,
          n.read,
          n.deliveries.map((d: Loose) => `${d.channel}:${d.destination}:${d.status}`).sort(),
        ]),
      ).toEqual([
        ['ops.alert', 'QUEUED', 'api is degraded', false, ['EMAIL:null:SUPPRESSED', 'IN_APP:null:QUEUED']], // erin: no email address
        ['ops.alert', 'QUEUED', 'api is degraded', false, ['EMAIL:ann@acme.test:QUEUED', 'IN_APP:null:QUEUED']],
        ['ops.alert', 'QUEUED', 'api is degraded', false, ['EMAIL:ops@acme.test:QUEUED']],
      ]);
      const stored = await db.prisma.notification.findMany({ where: { id: { in: result.notifications.map((n: Loose) => n.id) } } });
      expect(new Set(stored.map((n) => n.subscriberId))).toEqual(new Set([erin.id, f.ann, null]));

      const counts = await rowCounts(db.prisma, queue);
      // the same request, members in another order: the first answer
      const again = await run(ann, SEND, { input: { ...input, variables: { status: 'degraded', name: 'api' } } });
      expect(again.data!.sendNotification).toEqual({ ...result, replayed: true });
      const conflict = await run(ann, SEND, { input: { ...input, variables: { name: 'api', status: 'down' } } });
      expect(codes(conflict)).toEqual(['NOTIFICATION_IDEMPOTENCY_CONFLICT']);
      // the key is the organisation's: globex may use it for its own request
      const other = await run(gina, SEND, {
        input: {
          type: 'ops.alert',
          recipients: [{ subscriberId: f.gina }],
          variables: { name: 'x', status: 'y' },
          idempotencyKey: 'deploy-42',
        },
      });
      expect(other.data!.sendNotification.replayed).toBe(false);
      expect((await rowCounts(db.prisma, queue)).notifications).toBe(counts.notifications + 1);
    },
    TIMEOUT,
  );

  it(
    'refuses bad input with a coded error and writes nothing',
    async () => {
      const base = { type: 'ops.alert', recipients: [{ subscriberId: f.ann }], variables: { name: 'api', status: 'down' } };
      const bad: [object, string][] = [
        [{ ...base, recipients: [] }, 'BAD_USER_INPUT'],
        [{ ...base, recipients: [{ subscriberId: f.ann, subscriberExternalId: 'ann' }] }, 'BAD_USER_INPUT'],
        [{ ...base, recipients: [{ subscriberId: f.gina }] }, 'NOTIFICATION_SUBSCRIBER_UNKNOWN'],
        [{ ...base, recipients: [{ address: { channel: 'EMAIL', address: 'nobody' } }] }, 'NOTIFICATION_ADDRESS_INVALID'],
        [{ ...base, recipients: [{ address: { channel: 'SMS', address: '+33612345678' } }] }, 'NOTIFICATION_CHANNEL_UNAVAILABLE'],
        [{ ...base, type: 'nope' }, 'NOTIFICATION_TYPE_UNKNOWN'],
        [{ ...base, variables: { name: 'api' } }, 'NOTIFICATION_VARIABLES_INVALID'],
        [{ ...base, variables: { name: 'api', status: 7 } }, 'NOTIFICATION_VARIABLES_INVALID'],
        [{ ...base, variables: [1, 2] }, 'NOTIFICATION_VARIABLES_INVALID'],
        [{ ...base, channels: ['SMS'] }, 'NOTIFICATION_CHANNEL_UNAVAILABLE'],
        [{ ...base, idempotencyKey: '' }, 'BAD_USER_INPUT'],
      ];
      const before = await rowCounts(db.prisma, queue);
      for (const [input, code] of bad) expect([input, codes(await run(ann, SEND, { input }))]).toEqual([input, [code]]);
      expect(codes(await run(annReader, SEND, { input: base }))).toEqual(['FORBIDDEN']);
      expect(await rowCounts(db.prisma, queue)).toEqual(before);
    },
    TIMEOUT,
  );
});

describe('sendTestNotification', () => {
  const TEST = /* GraphQL */ `
    mutation ($channel: NotificationChannel!, $endpointId: ID) {
      sendTestNotification(channel: $channel, endpointId: $endpointId) {
        type
        title
        body
        deliveries {
          channel
          destination
          endpointId
        }
      }
    }
  `;

  it(
    'sends to the caller in-app, or to one endpoint of the organisation',
    async () => {
      const inApp = await run(ann, TEST, { channel: 'IN_APP' });
      expect(inApp.data!.sendTestNotification).toEqual({
        type: 'notifications.test',
        title: 'Test on IN_APP',
        body: 'Asked by ann',
        deliveries: [{ channel: 'IN_APP', destination: null, endpointId: null }],
      });
      const hook = await run(ann, TEST, { channel: 'WEBHOOK', endpointId: f.webhook });
      expect(hook.data!.sendTestNotification.deliveries).toEqual([
        { channel: 'WEBHOOK', destination: `endpoint:${f.webhook}`, endpointId: f.webhook },
      ]);
      const before = await rowCounts(db.prisma, queue);
      expect(codes(await run(ann, TEST, { channel: 'WEBHOOK', endpointId: f.globexWebhook }))).toEqual(['NOTIFICATION_ENDPOINT_UNKNOWN']);
      expect(codes(await run(ann, TEST, { channel: 'WEBHOOK' }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await run(ann, TEST, { channel: 'SLACK', endpointId: f.webhook }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await run(ann, TEST, { channel: 'SMS' }))).toEqual(['NOTIFICATION_CHANNEL_UNAVAILABLE']);
      expect(await rowCounts(db.prisma, queue)).toEqual(before);
    },
    TIMEOUT,
  );
});

describe('the inbox', () => {
  it(
    'lists the caller’s in-app notifications newest first in keyset pages, with the unread count, and marks them read and unread',
    async () => {
      const mine = await db.prisma.notification.findMany({
        where: { subscriberId: f.ann, deliveries: { some: { channel: 'IN_APP', status: { not: 'SUPPRESSED' } } } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      expect(mine.length).toBe(2);
      // three more, one of them EMAIL only (not in the inbox)
      for (const [i, channels] of [
        [1, ['IN_APP']],
        [2, ['EMAIL']],
        [3, ['IN_APP', 'EMAIL']],
      ] as const) {
        const sent = await run(admin, SEND, {
          input: { type: 'ops.alert', recipients: [{ subscriberId: f.ann }], variables: { name: `n${i}`, status: 'up' }, channels },
        });
        expect(sent.errors).toBeUndefined();
      }
      const all = (await run(annReader, INBOX, { first: 50 })).data!.myNotifications;
      expect(all.nodes).toHaveLength(4);
      expect(all.unreadCount).toBe(4);
      expect(all.edges.map((e: Loose) => e.node.title).slice(0, 2)).toEqual(['n3 is up', 'n1 is up']);

      const page1 = (await run(annReader, INBOX, { first: 3 })).data!.myNotifications;
      expect(page1.pageInfo.hasNextPage).toBe(true);
      expect(page1.pageInfo.endCursor).toBe(page1.edges[2].cursor);
      const page2 = (await run(annReader, INBOX, { first: 3, after: page1.pageInfo.endCursor })).data!.myNotifications;
      expect(page2.pageInfo).toEqual({ hasNextPage: false, endCursor: page2.edges[0].cursor });
      expect([...page1.nodes, ...page2.nodes].map((n: Loose) => n.id)).toEqual(all.nodes.map((n: Loose) => n.id));

      for (const cursor of [
        'garbage',
        Buffer.from('2026-12-01T00:00:00.000Z|not-a-uuid').toString('base64url'),
        Buffer.from(`nope|${randomUUID()}`).toString('base64url'),
      ]) {
        expect(codes(await run(annReader, INBOX, { first: 3, after: cursor }))).toEqual(['INVALID_CURSOR']);
      }
      expect(codes(await run(annReader, INBOX, { first: 0 }))).toEqual(['BAD_USER_INPUT']);

      const MARK = `mutation ($ids: [ID!]!, $read: Boolean) { markNotificationsRead(ids: $ids, read: $read) }`;
      const ids = all.nodes.map((n: Loose) => n.id);
      expect(codes(await run(annReader, MARK, { ids }))).toEqual(['FORBIDDEN']);
      expect((await run(ann, MARK, { ids: [ids[0], ids[1], 'junk'] })).data).toEqual({ markNotificationsRead: 2 });
      expect((await run(ann, MARK, { ids: [ids[0]] })).data).toEqual({ markNotificationsRead: 0 });
      const unread = (await run(annReader, INBOX, { first: 50, filter: { unreadOnly: true } })).data!.myNotifications;
      expect([unread.unreadCount, unread.nodes.map((n: Loose) => n.id)]).toEqual([2, ids.slice(2)]);
      expect((await run(ann, MARK, { ids: [ids[0]], read: false })).data).toEqual({ markNotificationsRead: 1 });
      expect((await run(ann, `mutation { markAllNotificationsRead }`)).data).toEqual({ markAllNotificationsRead: 3 });
      expect((await run(annReader, INBOX, { first: 50 })).data!.myNotifications.unreadCount).toBe(0);

      const typed = (await run(annReader, INBOX, { first: 50, filter: { types: ['notifications.test'] } })).data!.myNotifications;
      expect(typed.nodes).toHaveLength(1);
      const since = (await run(annReader, INBOX, { first: 50, filter: { since: '2100-01-01T00:00:00Z' } })).data!.myNotifications;
      expect(since.nodes).toEqual([]);

      // nobody else sees or changes them
      const ONE = `query ($id: ID!) { myNotification(id: $id) { id read } }`;
      expect((await run(annReader, ONE, { id: ids[0] })).data).toEqual({ myNotification: { id: ids[0], read: true } });
      for (const other of [
        gina,
        { subject: 'bob', org: 'acme', scopes: ['notifications:write'] },
        { subject: 'ann', org: 'globex', scopes: ['notifications:write'] },
      ]) {
        expect((await run(other, ONE, { id: ids[0] })).data).toEqual({ myNotification: null });
        expect((await run(other, MARK, { ids, read: false })).data).toEqual({ markNotificationsRead: 0 });
        expect(
          (await run(other, INBOX, { first: 50 }))
            .data!.myNotifications.nodes.map((n: Loose) => n.id)
            .filter((id: string) => ids.includes(id)),
        ).toEqual([]);
      }
      expect((await run(annReader, ONE, { id: 'junk' })).data).toEqual({ myNotification: null });
    },
    TIMEOUT,
  );
});

describe('delivery administration', () => {
  const LIST = /* GraphQL */ `
    query ($filter: NotificationDeliveryFilter, $first: Int, $after: String) {
      notificationDeliveries(filter: $filter, first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          channel
          status
        }
      }
    }
  `;
  const ONE = /* GraphQL */ `
    query ($id: ID!) {
      notificationDelivery(id: $id) {
        id
        status
        attemptCount
        lastError
        attempts {
          attempt
          outcome
          statusCode
          error
        }
      }
    }
  `;
  const RETRY = `mutation ($id: ID!) { retryNotificationDelivery(id: $id) { id status attemptCount nextAttemptAt } }`;

  it(
    'lists the organisation’s deliveries with filters and pages, shows attempts, and retries a dead delivery once',
    async () => {
      const everything = (await run(admin, LIST, { first: 200 })).data!.notificationDeliveries.nodes;
      const expected = await db.prisma.notificationDelivery.findMany({
        where: { orgId: 'acme' },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      expect(everything.map((d: Loose) => d.id)).toEqual(expected.map((d) => d.id));
      const p1 = (await run(admin, LIST, { first: 2, filter: { channel: 'EMAIL', status: ['QUEUED'] } })).data!.notificationDeliveries;
      const p2 = (await run(admin, LIST, { first: 200, after: p1.pageInfo.endCursor, filter: { channel: 'EMAIL', status: ['QUEUED'] } }))
        .data!.notificationDeliveries;
      const emails = expected.filter((d) => d.channel === 'EMAIL' && d.status === 'QUEUED').map((d) => d.id);
      expect([...p1.nodes, ...p2.nodes].map((d: Loose) => d.id)).toEqual(emails);
      expect(p1.pageInfo.hasNextPage).toBe(true);
      expect((await run(admin, LIST, { filter: { notificationId: 'junk' } })).data!.notificationDeliveries.nodes).toEqual([]);
      expect(codes(await run(ann, LIST, {}))).toEqual(['FORBIDDEN']);
      expect(
        (await run(globexAdmin, LIST, { first: 200 })).data!.notificationDeliveries.nodes.some((d: Loose) => emails.includes(d.id)),
      ).toBe(false);

      // a delivery the worker gave up on: two attempts, FAILED
      const dead = emails[0]!;
      await db.prisma.notificationDelivery.update({
        where: { id: dead },
        data: { status: 'FAILED', attemptCount: 2, lastError: '550 mailbox unavailable' },
      });
      await db.prisma.notificationDeliveryAttempt.createMany({
        data: [
          {
            deliveryId: dead,
            attempt: 1,
            outcome: 'RETRY',
            statusCode: 451,
            error: 'try later',
            startedAt: new Date('2026-12-01T10:00:00Z'),
          },
          {
            deliveryId: dead,
            attempt: 2,
            outcome: 'FAILED',
            statusCode: 550,
            error: 'mailbox unavailable',
            startedAt: new Date('2026-12-01T10:05:00Z'),
          },
        ],
      });
      const shown = (await run(admin, ONE, { id: dead })).data!.notificationDelivery;
      expect(shown).toEqual({
        id: dead,
        status: 'FAILED',
        attemptCount: 2,
        lastError: '550 mailbox unavailable',
        attempts: [
          { attempt: 1, outcome: 'RETRY', statusCode: 451, error: 'try later' },
          { attempt: 2, outcome: 'FAILED', statusCode: 550, error: 'mailbox unavailable' },
        ],
      });
      expect((await run(globexAdmin, ONE, { id: dead })).data).toEqual({ notificationDelivery: null });
      expect(codes(await run(globexAdmin, RETRY, { id: dead }))).toEqual(['NOTIFICATION_DELIVERY_UNKNOWN']);

      const jobs = (await queue.jobs()).length;
      const retried = await run(admin, RETRY, { id: dead });
      expect(retried.data).toEqual({
        retryNotificationDelivery: { id: dead, status: 'QUEUED', attemptCount: 0, nextAttemptAt: clock.now.toISOString() },
      });
      expect((await queue.jobs()).slice(jobs)).toEqual([{ kind: 'deliver', id: dead, startAfter: clock.now }]);
      expect(await db.prisma.notificationDeliveryAttempt.count({ where: { deliveryId: dead } })).toBe(2);
      expect(codes(await run(admin, RETRY, { id: dead }))).toEqual(['NOTIFICATION_DELIVERY_STATE_INVALID']);
      expect(codes(await run(admin, RETRY, { id: randomUUID() }))).toEqual(['NOTIFICATION_DELIVERY_UNKNOWN']);
      expect((await queue.jobs()).length).toBe(jobs + 1);

      // the worker's next attempt of the retried delivery: attempt 3 in the history, attemptCount 1
      await deliver(services, dead, clock.now);
      const after = (await run(admin, ONE, { id: dead })).data!.notificationDelivery;
      expect([after.status, after.attemptCount, after.lastError, after.attempts.map((a: Loose) => [a.attempt, a.outcome])]).toEqual([
        'DELIVERED',
        1,
        null,
        [
          [1, 'RETRY'],
          [2, 'FAILED'],
          [3, 'DELIVERED'],
        ],
      ]);
    },
    TIMEOUT,
  );
});
