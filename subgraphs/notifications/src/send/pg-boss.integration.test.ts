import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { createDeliveryQueue, QUEUE_NAMES, QUEUE_SCHEMA } from '../queue/pg-boss-queue';
import type { DeliveryQueue } from '../queue/queue';
import { acceptNotifications } from './accept';
import type { NotificationRequest } from './request';
import { seedSendFixtures, testServices, type SendFixtures } from './test-fixtures';
import { createTableQueue } from './test-queue';

// acceptNotifications with the real delivery queue (pg-boss on PGlite, worker not started): the
// jobs are pg-boss rows committed with the notifications, and bad input leaves none.
const TIMEOUT = 120_000;
let db: Database;
let queue: DeliveryQueue;
let services: NotificationsServices;
let f: SendFixtures;
const clock = { now: new Date('2026-12-01T23:30:00.000Z') };

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  queue = createDeliveryQueue({ db, log: pino({ level: 'silent' }) });
  await queue.install();
  services = { ...testServices(db.prisma, await createTableQueue(db.prisma), clock), queue };
  f = await seedSendFixtures(db.prisma);
}, TIMEOUT);
afterAll(async () => {
  await queue?.stop();
  await db?.close();
});

/** pg-boss's jobs: queue name, the id they were queued for, start_after. */
async function jobs() {
  return db.runner.query<{ name: string; data: { id: string }; start_after: Date }>(
    `SELECT name, data, start_after FROM ${QUEUE_SCHEMA}.job ORDER BY created_on, id`,
  );
}

const alert = (extra: Partial<NotificationRequest> = {}): NotificationRequest => ({
  orgId: 'acme',
  typeKey: 'ops.alert',
  recipients: [{ kind: 'subscriber', subscriberId: f.carol }],
  variables: { name: 'db-1', status: 'down' },
  ...extra,
});

describe('acceptNotifications with pg-boss', () => {
  it(
    'commits the jobs with the notifications (quiet hours as start_after; the digest close at the window end), and none on bad input',
    async () => {
      const { notifications } = await acceptNotifications(services, alert());
      const deliveries = await db.prisma.notificationDelivery.findMany({ where: { notificationId: notifications[0]!.id } });
      let queued = await jobs();
      expect(queued.map((j) => [j.name, j.data.id, new Date(j.start_after).toISOString()]).sort()).toEqual(
        deliveries.map((d) => [QUEUE_NAMES.deliver, d.id, '2026-12-02T06:00:00.000Z']).sort(),
      );

      await acceptNotifications(services, alert({ recipients: [{ kind: 'subscriber', subscriberId: f.dave }] }));
      const digest = await db.prisma.notificationDigest.findFirstOrThrow();
      queued = await jobs();
      expect(queued.filter((j) => j.name === QUEUE_NAMES.digest).map((j) => [j.data.id, new Date(j.start_after).toISOString()])).toEqual([
        [digest.id, '2026-12-02T00:00:00.000Z'],
      ]);

      for (const bad of [
        alert({ variables: { name: 'db-1' } }),
        alert({ recipients: [{ kind: 'address', channel: 'EMAIL', address: 'nope' }] }),
        alert({ typeKey: 'ops.bare' }),
        alert({ channels: ['SMS'] }),
      ]) {
        await expect(acceptNotifications(services, bad)).rejects.toBeInstanceOf(DictaMeshError);
      }
      expect(await jobs()).toEqual(queued);
    },
    TIMEOUT,
  );
});
