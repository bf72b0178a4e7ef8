import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { acceptNotifications } from './accept';
import { requestHash } from './idempotency';
import type { NotificationRequest } from './request';
import { openSendTestBed, rowCounts, type SendFixtures } from './test-fixtures';
import type { TableQueue } from './test-queue';

// acceptNotifications on an in-memory PGlite: validation before anything is written, the one
// transaction (notifications, rendered deliveries, jobs), quiet hours, redelivered events and
// idempotency keys.
const TIMEOUT = 120_000;
let db: Database;
let queue: TableQueue;
let services: NotificationsServices;
let f: SendFixtures;
const clock = { now: new Date('2026-12-01T10:00:00.000Z') };

beforeAll(async () => {
  ({ db, queue, services, f } = await openSendTestBed(clock));
}, TIMEOUT);
afterAll(async () => {
  await db?.close();
});
beforeEach(() => {
  clock.now = new Date('2026-12-01T10:00:00.000Z');
  services.limits = { ...services.limits, maxRenderedBytes: 262_144, maxVariablesBytes: 65_536, maxRecipients: 100 };
});

const alert = (extra: Partial<NotificationRequest> = {}): NotificationRequest => ({
  orgId: 'acme',
  typeKey: 'ops.alert',
  recipients: [{ kind: 'subscriber', subscriberId: f.ann }],
  variables: { name: 'db-1', status: 'down' },
  ...extra,
});

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DictaMeshError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a DictaMeshError');
}

describe('acceptNotifications', () => {
  it(
    'writes one notification per subscriber and one organisation-level one (addresses, endpoints), rendered, queued in the same transaction',
    async () => {
      const before = await rowCounts(db.prisma, queue);
      const wakes = queue.wakes;
      const { notifications, replayed } = await acceptNotifications(
        services,
        alert({
          recipients: [
            { kind: 'subscriber', subscriberId: f.ann },
            { kind: 'address', channel: 'EMAIL', address: 'billing@acme.test' },
          ],
          channels: ['IN_APP', 'EMAIL', 'WEBHOOK'],
        }),
      );
      expect(replayed).toBe(false);
      expect(notifications.map((n) => [n.subscriberId, n.typeKey, n.status, n.title, n.body])).toEqual([
        [f.ann, 'ops.alert', 'QUEUED', 'db-1 is down', 'Alert db-1: down'],
        [null, 'ops.alert', 'QUEUED', 'db-1 is down', 'Alert db-1: down'],
      ]);
      expect(notifications[0]!.payload).toEqual({ name: 'db-1', status: 'down' });
      const deliveries = await db.prisma.notificationDelivery.findMany({
        where: { notificationId: { in: notifications.map((n) => n.id) } },
        orderBy: [{ channel: 'asc' }, { destination: 'asc' }],
      });
      expect(
        deliveries.map((d) => [
          d.notificationId === notifications[0]!.id ? 'ann' : 'org',
          d.channel,
          d.destination,
          d.endpointId,
          d.status,
          d.subject,
          d.content,
          d.html,
        ]),
      ).toEqual([
        [
          'ann',
          'EMAIL',
          'ann@acme.test',
          null,
          'QUEUED',
          '[ops] db-1 is down',
          'The check db-1 is down.',
          '<p>The check <b>db-1</b> is down.</p>',
        ],
        [
          'org',
          'EMAIL',
          'billing@acme.test',
          null,
          'QUEUED',
          '[ops] db-1 is down',
          'The check db-1 is down.',
          '<p>The check <b>db-1</b> is down.</p>',
        ],
        // WEBHOOK has no template of its own: the IN_APP one (lookup fallback)
        ['org', 'WEBHOOK', `endpoint:${f.webhook}`, f.webhook, 'QUEUED', 'db-1 is down', 'Alert db-1: down', null],
        ['ann', 'IN_APP', null, null, 'QUEUED', 'db-1 is down', 'Alert db-1: down', null],
      ]);
      expect(deliveries.every((d) => d.templateVersion === 1 && d.locale === 'en' && d.nextAttemptAt === null)).toBe(true);
      const jobs = (await queue.jobs()).slice(before.jobs);
      expect(jobs.map((j) => j.kind)).toEqual(['deliver', 'deliver', 'deliver', 'deliver']);
      expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(deliveries.map((d) => d.id)));
      expect(queue.wakes).toBe(wakes + 1);
    },
    TIMEOUT,
  );

  it(
    'skips unavailable default channels (SMS), records muted and address-less deliveries as SUPPRESSED and queues nothing for them',
    async () => {
      const before = await rowCounts(db.prisma, queue);
      const { notifications } = await acceptNotifications(services, alert({ recipients: [{ kind: 'subscriber', subscriberId: f.bob }] }));
      expect(notifications.map((n) => n.status)).toEqual(['QUEUED']);
      const deliveries = await db.prisma.notificationDelivery.findMany({
        where: { notificationId: notifications[0]!.id },
        orderBy: { channel: 'asc' },
      });
      expect(deliveries.map((d) => [d.channel, d.status, d.lastError])).toEqual([
        ['EMAIL', 'SUPPRESSED', 'MUTED'],
        ['IN_APP', 'QUEUED', null],
      ]);
      const jobs = (await queue.jobs()).slice(before.jobs);
      expect(jobs.map((j) => j.id)).toEqual([deliveries[1]!.id]);
    },
    TIMEOUT,
  );

  it(
    'marks a notification whose every delivery is suppressed SUPPRESSED and queues nothing',
    async () => {
      const before = await rowCounts(db.prisma, queue);
      const { notifications } = await acceptNotifications(
        services,
        alert({ recipients: [{ kind: 'subscriber', subscriberId: f.bob }], channels: ['EMAIL'] }),
      );
      expect(notifications.map((n) => n.status)).toEqual(['SUPPRESSED']);
      expect(await rowCounts(db.prisma, queue)).toEqual({
        ...before,
        notifications: before.notifications + 1,
        deliveries: before.deliveries + 1,
      });
    },
    TIMEOUT,
  );

  describe('bad input: a coded error, nothing written nor queued', () => {
    const cases: [string, () => NotificationRequest, string, Record<string, unknown>?][] = [
      ['an unknown type', () => alert({ typeKey: 'ops.nope' }), 'NOTIFICATION_TYPE_UNKNOWN'],
      ['another organisation’s type', () => alert({ orgId: 'initech' }), 'NOTIFICATION_TYPE_UNKNOWN'],
      ['an unknown channel', () => alert({ channels: ['FAX' as never] }), 'NOTIFICATION_CHANNEL_UNKNOWN', { channel: 'FAX' }],
      [
        'an unavailable channel asked for',
        () => alert({ channels: ['IN_APP', 'SMS'] }),
        'NOTIFICATION_CHANNEL_UNAVAILABLE',
        { channel: 'SMS' },
      ],
      ['a type without any template', () => alert({ typeKey: 'ops.bare' }), 'NOTIFICATION_TEMPLATE_UNKNOWN'],
      ['a missing variable', () => alert({ variables: { name: 'db-1' } }), 'NOTIFICATION_VARIABLES_INVALID'],
      [
        'a variable of the wrong type',
        () => alert({ variables: { name: 'db-1', status: 'down', attempts: 'three' } }),
        'NOTIFICATION_VARIABLES_INVALID',
      ],
      [
        'an invalid email address',
        () => alert({ recipients: [{ kind: 'address', channel: 'EMAIL', address: 'not-an-address' }] }),
        'NOTIFICATION_ADDRESS_INVALID',
      ],
      [
        'a direct address on an endpoint channel',
        () => alert({ recipients: [{ kind: 'address', channel: 'WEBHOOK', address: 'https://x.test' }] }),
        'NOTIFICATION_ADDRESS_INVALID',
      ],
      [
        'an unknown subscriber',
        () => alert({ recipients: [{ kind: 'subscriber', subscriberId: randomUUID() }] }),
        'NOTIFICATION_SUBSCRIBER_UNKNOWN',
      ],
      [
        'another organisation’s subscriber',
        () => alert({ recipients: [{ kind: 'subscriber', subscriberId: f.gina }] }),
        'NOTIFICATION_SUBSCRIBER_UNKNOWN',
      ],
      [
        'a subscriber id that is no uuid',
        () => alert({ recipients: [{ kind: 'subscriber', subscriberId: 'x' }] }),
        'NOTIFICATION_SUBSCRIBER_UNKNOWN',
      ],
      [
        'variables over their limit',
        () => alert({ variables: { name: 'x'.repeat(70_000), status: 'down' } }),
        'NOTIFICATION_BODY_TOO_LARGE',
        { field: 'variables', limit: 65_536 },
      ],
    ];
    it.each(cases)(
      '%s',
      async (_name, request, code, details) => {
        const before = await rowCounts(db.prisma, queue);
        const failure = await codeOf(acceptNotifications(services, request()));
        expect(failure.code).toBe(code);
        if (details) expect(failure.details).toMatchObject(details);
        expect(await rowCounts(db.prisma, queue)).toEqual(before);
      },
      TIMEOUT,
    );

    it(
      'a rendered body over its limit (also when the first recipients were fine), too many recipients',
      async () => {
        const before = await rowCounts(db.prisma, queue);
        services.limits = { ...services.limits, maxRenderedBytes: 60 };
        const big = await codeOf(acceptNotifications(services, alert({ variables: { name: 'd'.repeat(40), status: 'down' } })));
        expect(big).toMatchObject({ code: 'NOTIFICATION_BODY_TOO_LARGE', details: { limit: 60 } });
        services.limits = { ...services.limits, maxRenderedBytes: 262_144, maxRecipients: 2 };
        const many = await codeOf(
          acceptNotifications(
            services,
            alert({ recipients: [f.ann, f.bob, f.carol].map((subscriberId) => ({ kind: 'subscriber' as const, subscriberId })) }),
          ),
        );
        expect(many).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'recipients', limit: 2 } });
        expect(await rowCounts(db.prisma, queue)).toEqual(before);
      },
      TIMEOUT,
    );
  });

  it(
    'defers deliveries to the end of the subscriber’s quiet hours in its time zone; a critical type ignores them',
    async () => {
      // 23:30 UTC = 00:30 in Paris (UTC+1 in December): inside 22:00–07:00, which ends 06:00 UTC
      clock.now = new Date('2026-12-01T23:30:00.000Z');
      const before = await rowCounts(db.prisma, queue);
      const { notifications } = await acceptNotifications(services, alert({ recipients: [{ kind: 'subscriber', subscriberId: f.carol }] }));
      const deliveries = await db.prisma.notificationDelivery.findMany({
        where: { notificationId: notifications[0]!.id },
        orderBy: { channel: 'asc' },
      });
      const end = new Date('2026-12-02T06:00:00.000Z');
      expect(deliveries.map((d) => [d.channel, d.status, d.nextAttemptAt])).toEqual([
        ['EMAIL', 'QUEUED', end],
        ['IN_APP', 'QUEUED', end],
      ]);
      expect((await queue.jobs()).slice(before.jobs).map((j) => j.startAfter)).toEqual([end, end]);

      const page = await acceptNotifications(services, {
        ...alert({ recipients: [{ kind: 'subscriber', subscriberId: f.carol }] }),
        typeKey: 'ops.page',
      });
      const critical = await db.prisma.notificationDelivery.findMany({ where: { notificationId: page.notifications[0]!.id } });
      expect(critical.map((d) => d.nextAttemptAt)).toEqual([null, null]);
      expect(page.notifications[0]!.priority).toBe('CRITICAL');
    },
    TIMEOUT,
  );

  it(
    'accepts a redelivered event once per recipient (sequential and concurrent redeliveries)',
    async () => {
      const source = { eventId: `evt-${randomUUID()}`, type: 'test.event' };
      const request = alert({
        source,
        recipients: [
          { kind: 'subscriber', subscriberId: f.ann },
          { kind: 'address', channel: 'EMAIL', address: 'billing@acme.test' },
        ],
      });
      const before = await rowCounts(db.prisma, queue);
      const first = await acceptNotifications(services, request);
      const after = await rowCounts(db.prisma, queue);
      const again = await acceptNotifications(services, request);
      expect(again.replayed).toBe(true);
      expect(again.notifications.map((n) => n.id)).toEqual(first.notifications.map((n) => n.id));
      expect(await rowCounts(db.prisma, queue)).toEqual(after);
      const concurrent = await Promise.all([1, 2, 3].map(() => acceptNotifications(services, request)));
      expect(concurrent.map((c) => c.notifications.map((n) => n.id))).toEqual([1, 2, 3].map(() => first.notifications.map((n) => n.id)));
      expect(await rowCounts(db.prisma, queue)).toEqual(after);
      expect(after.notifications - before.notifications).toBe(2);
      expect(first.notifications[0]).toMatchObject({ sourceEventId: source.eventId, sourceType: 'test.event' });
      // a subscriber the first acceptance did not name still gets its own
      const more = await acceptNotifications(services, { ...request, recipients: [{ kind: 'subscriber', subscriberId: f.bob }] });
      expect(more.replayed).toBe(false);
      expect(more.notifications.map((n) => n.subscriberId)).toEqual([f.bob]);
    },
    TIMEOUT,
  );

  describe('idempotency keys', () => {
    const keyed = (key: string, variables = { name: 'db-2', status: 'down' }) => {
      const request = alert({ variables });
      return [request, { idempotency: { key, requestHash: requestHash(request) } }] as const;
    };

    it(
      'answers a repeat within 24 h with the first notifications, refuses another request with the same key, and forgets expired keys',
      async () => {
        const key = `k-${randomUUID()}`;
        const first = await acceptNotifications(services, ...keyed(key));
        expect(first.replayed).toBe(false);
        const counts = await rowCounts(db.prisma, queue);
        clock.now = new Date('2026-12-02T09:59:59.000Z');
        const repeat = await acceptNotifications(services, ...keyed(key));
        expect(repeat).toEqual({ notifications: first.notifications, replayed: true });
        const conflict = await codeOf(acceptNotifications(services, ...keyed(key, { name: 'db-3', status: 'down' })));
        expect(conflict).toEqual({ code: 'NOTIFICATION_IDEMPOTENCY_CONFLICT', details: { idempotencyKey: key } });
        expect(await rowCounts(db.prisma, queue)).toEqual(counts);
        // 24 h later the key is expired: a new request (even a different one) is accepted and takes it over
        clock.now = new Date('2026-12-02T10:00:00.000Z');
        const later = await acceptNotifications(services, ...keyed(key, { name: 'db-3', status: 'down' }));
        expect(later.replayed).toBe(false);
        expect(later.notifications[0]!.id).not.toBe(first.notifications[0]!.id);
        const stored = await db.prisma.notificationIdempotencyKey.findMany({ where: { key } });
        expect(stored.map((s) => [s.notificationIds, s.expiresAt])).toEqual([
          [later.notifications.map((n) => n.id), new Date('2026-12-03T10:00:00.000Z')],
        ]);
      },
      TIMEOUT,
    );

    it(
      'purges expired keys of the organisation when a key is written',
      async () => {
        await db.prisma.notificationIdempotencyKey.create({
          data: {
            orgId: 'acme',
            key: 'old',
            requestHash: 'x',
            notificationIds: [],
            createdAt: new Date('2026-11-01T00:00:00Z'),
            expiresAt: new Date('2026-11-02T00:00:00Z'),
          },
        });
        await acceptNotifications(services, ...keyed(`k-${randomUUID()}`));
        expect(await db.prisma.notificationIdempotencyKey.count({ where: { key: 'old' } })).toBe(0);
      },
      TIMEOUT,
    );

    it(
      'creates one set of notifications for concurrent identical requests',
      async () => {
        const key = `k-${randomUUID()}`;
        const before = await rowCounts(db.prisma, queue);
        const results = await Promise.all([1, 2, 3, 4].map(() => acceptNotifications(services, ...keyed(key))));
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        const ids = results[0]!.notifications.map((n) => n.id);
        expect(results.map((r) => r.notifications.map((n) => n.id))).toEqual([ids, ids, ids, ids]);
        const after = await rowCounts(db.prisma, queue);
        expect(after.notifications - before.notifications).toBe(1);
      },
      TIMEOUT,
    );
  });
});
