import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@dictamesh/db';
import type { NotificationsServices } from '../context';
import { acceptNotifications } from '../send/accept';
import type { NotificationRequest } from '../send/request';
import { openSendTestBed, rowCounts, type SendFixtures } from '../send/test-fixtures';
import type { TableQueue } from '../send/test-queue';
import { flushDigest } from './flush';

// Digests on an in-memory PGlite: notifications of a subscriber's digest window fold into one
// digest row (the window's close queued once), and its close sends the first 10 items + count.
const TIMEOUT = 120_000;
let db: Database;
let queue: TableQueue;
let services: NotificationsServices;
let f: SendFixtures;
const clock = { now: new Date('2026-12-01T10:17:42.250Z') };

beforeAll(async () => {
  ({ db, queue, services, f } = await openSendTestBed(clock));
}, TIMEOUT);
afterAll(async () => {
  await db?.close();
});

const alertFor = (subscriberId: string, i: number): NotificationRequest => ({
  orgId: 'acme',
  typeKey: 'ops.alert',
  recipients: [{ kind: 'subscriber', subscriberId }],
  variables: { name: `db-${i}`, status: 'down' },
});

describe('digests', () => {
  it(
    'folds 12 triggers of the same second into one digest (close queued once at the window end), then sends the first 10 + count, once',
    async () => {
      const jobsBefore = (await queue.jobs()).length;
      const accepted = await Promise.all(Array.from({ length: 12 }, (_, i) => acceptNotifications(services, alertFor(f.dave, i + 1))));
      const digests = await db.prisma.notificationDigest.findMany();
      expect(digests.map((d) => [d.subscriberId, d.typeKey, d.channel, d.windowStart, d.windowEnd, d.status, d.count])).toEqual([
        [f.dave, 'ops.alert', 'EMAIL', new Date('2026-12-01T10:00:00.000Z'), new Date('2026-12-01T11:00:00.000Z'), 'OPEN', 12],
      ]);
      const digest = digests[0]!;
      const ids = accepted.map((a) => a.notifications[0]!.id);
      const notifications = await db.prisma.notification.findMany({ where: { id: { in: ids } } });
      expect(notifications.every((n) => n.digestId === digest.id && n.status === 'QUEUED')).toBe(true);
      const deliveries = await db.prisma.notificationDelivery.findMany({ where: { notificationId: { in: ids } } });
      expect(deliveries.filter((d) => d.channel === 'EMAIL').map((d) => [d.status, d.lastError, d.destination])).toEqual(
        Array.from({ length: 12 }, () => ['SUPPRESSED', `digest:${digest.id}`, 'dave@acme.test']),
      );
      // IN_APP is never digested
      expect(deliveries.filter((d) => d.channel === 'IN_APP').every((d) => d.status === 'QUEUED')).toBe(true);
      const jobs = (await queue.jobs()).slice(jobsBefore);
      expect(jobs.filter((j) => j.kind === 'digest')).toEqual([
        { kind: 'digest', id: digest.id, startAfter: new Date('2026-12-01T11:00:00.000Z') },
      ]);
      expect(
        jobs
          .filter((j) => j.kind === 'deliver')
          .map((j) => j.id)
          .sort(),
      ).toEqual(
        deliveries
          .filter((d) => d.channel === 'IN_APP')
          .map((d) => d.id)
          .sort(),
      );

      clock.now = new Date('2026-12-01T11:00:00.500Z');
      const before = await rowCounts(db.prisma, queue);
      await Promise.all([flushDigest(services, digest.id), flushDigest(services, digest.id)]);
      const after = await rowCounts(db.prisma, queue);
      expect(after).toEqual({
        ...before,
        notifications: before.notifications + 1,
        deliveries: before.deliveries + 1,
        jobs: before.jobs + 1,
      });
      const sent = await db.prisma.notificationDigest.findUniqueOrThrow({ where: { id: digest.id } });
      expect(sent.status).toBe('SENT');
      const carrier = await db.prisma.notification.findUniqueOrThrow({
        where: { id: sent.notificationId! },
        include: { deliveries: true },
      });
      const first10 = notifications
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
        .slice(0, 10)
        .map((n) => n.title);
      expect(carrier).toMatchObject({
        subscriberId: f.dave,
        typeKey: 'notifications.digest',
        status: 'QUEUED',
        title: '12 × ops.alert',
        body: `${first10.map((t) => `${t};`).join('')}+2`,
      });
      expect(carrier.payload).toMatchObject({
        type: 'ops.alert',
        count: 12,
        more: 2,
        windowStart: '2026-12-01T10:00:00.000Z',
        windowEnd: '2026-12-01T11:00:00.000Z',
      });
      expect((carrier.payload as { items: unknown[] }).items).toHaveLength(10);
      expect(carrier.deliveries.map((d) => [d.channel, d.destination, d.status, d.subject, d.content])).toEqual([
        ['EMAIL', 'dave@acme.test', 'QUEUED', 'Digest: 12 × ops.alert', `${first10.map((t) => `- ${t}\n`).join('')}and 2 more`],
      ]);
      expect((await queue.jobs()).at(-1)).toEqual({ kind: 'deliver', id: carrier.deliveries[0]!.id, startAfter: null });

      // a trigger after the close opens the next window
      const next = await acceptNotifications(services, alertFor(f.dave, 13));
      const nextDigest = await db.prisma.notificationDigest.findFirstOrThrow({ where: { id: { not: digest.id } } });
      expect(nextDigest).toMatchObject({ windowStart: new Date('2026-12-01T11:00:00.000Z'), count: 1, status: 'OPEN' });
      expect(next.notifications[0]!.digestId).toBe(nextDigest.id);
    },
    TIMEOUT,
  );

  it(
    'sends a trigger whose window’s digest was already sent on its own; a critical type is never digested',
    async () => {
      const sent = await db.prisma.notificationDigest.findFirstOrThrow({ where: { status: 'SENT' } });
      clock.now = new Date('2026-12-01T10:59:59.000Z'); // a late clock: the sent window
      const late = await acceptNotifications(services, alertFor(f.dave, 99));
      const email = await db.prisma.notificationDelivery.findFirstOrThrow({
        where: { notificationId: late.notifications[0]!.id, channel: 'EMAIL' },
      });
      expect([email.status, email.lastError, late.notifications[0]!.digestId]).toEqual(['QUEUED', null, null]);
      expect((await db.prisma.notificationDigest.findUniqueOrThrow({ where: { id: sent.id } })).count).toBe(12);

      const page = await acceptNotifications(services, { ...alertFor(f.dave, 100), typeKey: 'ops.page' });
      expect(page.notifications[0]!.digestId).toBeNull();
    },
    TIMEOUT,
  );

  it('does nothing for an unknown digest id', async () => {
    const before = await rowCounts(db.prisma, queue);
    await flushDigest(services, '00000000-0000-4000-8000-000000000000');
    await flushDigest(services, 'not-a-uuid');
    expect(await rowCounts(db.prisma, queue)).toEqual(before);
  });
});
