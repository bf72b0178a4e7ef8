import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR, PrismaClient } from '@dictamesh/db';
import { createScratchDatabase, type ScratchDatabase } from '../../../../test/postgres-database';
import type { NotificationsServices } from '../context';
import { flushDigest } from '../digests/flush';
import { acceptNotifications } from './accept';
import { requestHash } from './idempotency';
import type { NotificationRequest } from './request';
import { rowCounts, seedSendFixtures, testServices, type SendFixtures } from './test-fixtures';
import { createTableQueue, type TableQueue } from './test-queue';

// Over PostgreSQL, where transactions really overlap (PGlite runs one at a time): triggers of
// one digest window in the same second, identical idempotent requests and a redelivered event,
// each accepted by several connections at once. The shared test server has no pgvector, so only
// the notifications migration is applied.
const TIMEOUT = 120_000;
let scratch: ScratchDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;
let queue: TableQueue;
let services: NotificationsServices;
let f: SendFixtures;
const clock = { now: new Date('2026-12-01T10:17:42.250Z') };

beforeAll(async () => {
  scratch = await createScratchDatabase(inject('postgresUrl'), 'dictamesh_notifications_send_test');
  await scratch.client.query(readFileSync(join(MIGRATIONS_DIR, '20261202000000_notifications', 'migration.sql'), 'utf8'));
  pool = new pg.Pool({ connectionString: scratch.url.href, max: 12 });
  prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  queue = await createTableQueue(prisma);
  services = testServices(prisma, queue, clock);
  f = await seedSendFixtures(prisma);
}, TIMEOUT);
afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await scratch?.drop();
});

const alert = (subscriberId: string, name: string, extra: Partial<NotificationRequest> = {}): NotificationRequest => ({
  orgId: 'acme',
  typeKey: 'ops.alert',
  recipients: [{ kind: 'subscriber', subscriberId }],
  variables: { name, status: 'down' },
  ...extra,
});

describe('concurrent acceptance on PostgreSQL', () => {
  it(
    'folds 20 concurrent triggers of the same second into one digest, queues its close once, and closes it once',
    async () => {
      const accepted = await Promise.all(Array.from({ length: 20 }, (_, i) => acceptNotifications(services, alert(f.dave, `db-${i}`))));
      const digests = await prisma.notificationDigest.findMany();
      expect(digests.map((d) => [d.count, d.status, d.windowStart])).toEqual([[20, 'OPEN', new Date('2026-12-01T10:00:00.000Z')]]);
      expect(accepted.every((a) => a.notifications[0]!.digestId === digests[0]!.id)).toBe(true);
      expect((await queue.jobs()).filter((j) => j.kind === 'digest').map((j) => j.id)).toEqual([digests[0]!.id]);
      const before = await rowCounts(prisma, queue);
      await Promise.all([1, 2, 3].map(() => flushDigest(services, digests[0]!.id)));
      expect(await rowCounts(prisma, queue)).toEqual({
        ...before,
        notifications: before.notifications + 1,
        deliveries: before.deliveries + 1,
        jobs: before.jobs + 1,
      });
      const carrier = await prisma.notification.findFirstOrThrow({ where: { typeKey: 'notifications.digest' } });
      expect(carrier.payload).toMatchObject({ count: 20, more: 10 });
      expect((carrier.payload as { items: unknown[] }).items).toHaveLength(10);
    },
    TIMEOUT,
  );

  it(
    'creates one set of notifications for 8 concurrent identical idempotent requests, and one per recipient for a redelivered event',
    async () => {
      const request = alert(f.ann, 'api', {
        recipients: [
          { kind: 'subscriber', subscriberId: f.ann },
          { kind: 'address', channel: 'EMAIL', address: 'ops@acme.test' },
        ],
      });
      const idempotency = { key: `k-${randomUUID()}`, requestHash: requestHash(request) };
      let before = await rowCounts(prisma, queue);
      const keyed = await Promise.all(Array.from({ length: 8 }, () => acceptNotifications(services, request, { idempotency })));
      expect(keyed.filter((r) => !r.replayed)).toHaveLength(1);
      expect(new Set(keyed.map((r) => r.notifications.map((n) => n.id).join()))).toEqual(
        new Set([keyed[0]!.notifications.map((n) => n.id).join()]),
      );
      let after = await rowCounts(prisma, queue);
      expect([after.notifications - before.notifications, after.deliveries - before.deliveries, after.jobs - before.jobs]).toEqual([
        2, 3, 3,
      ]);

      const event = { ...request, source: { eventId: `evt-${randomUUID()}`, type: 'test' } };
      before = after;
      const redelivered = await Promise.all(Array.from({ length: 8 }, () => acceptNotifications(services, event)));
      expect(new Set(redelivered.map((r) => r.notifications.map((n) => n.id).join())).size).toBe(1);
      after = await rowCounts(prisma, queue);
      expect([after.notifications - before.notifications, after.deliveries - before.deliveries, after.jobs - before.jobs]).toEqual([
        2, 3, 3,
      ]);
    },
    TIMEOUT,
  );
});
