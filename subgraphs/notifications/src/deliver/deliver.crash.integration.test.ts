import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR } from '@dictamesh/db';
import { createScratchDatabase } from '../../../../test/postgres-database';
import { attemptsOf, seedDeliveries, workerServices } from '../test/delivery-fixtures';
import { bareDatabase } from '../test/postgres-queue-database';
import { startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { until } from '../test/wait';

const WORKER = fileURLToPath(new URL('../test/delivery-worker.ts', import.meta.url));
const children: ChildProcess[] = [];
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await sink.stop();
});

/** Starts a worker process over `url` sending to the sink; resolves once it runs. */
async function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, sink.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before running`)));
  });
  return child;
}

describe('a delivery worker killed with SIGKILL mid-batch', () => {
  it('resumes in another process: every delivery reaches the SMTP server exactly once under its own Message-ID, none lost', async () => {
    // PostgreSQL, where worker processes really overlap; the shared server has no pgvector (the
    // catalog migrations need it): the notifications migration alone, which stands by itself
    const scratch = await createScratchDatabase(inject('postgresUrl'), 'dictamesh_notification_crash_test');
    await scratch.client.query(readFileSync(join(MIGRATIONS_DIR, '20261202000000_notifications', 'migration.sql'), 'utf8'));
    const url = scratch.url.href;
    const db = bareDatabase(url);
    // this process only queues (no worker)
    const seeding = workerServices(db, { providers: [], queue: { expireInSeconds: 20 } });
    try {
      await seeding.queue.install();
      const N = 30;
      const ids = await seedDeliveries(db.prisma, seeding.queue, {
        orgId: 'crash',
        typeKey: 'notifications.test',
        deliveries: Array.from({ length: N }, (_, i) => ({ channel: 'EMAIL' as const, destination: `user${i}@example.test` })),
      });

      await sink.hold(true);
      const first = await startWorker(url);
      await until('a message held by the SMTP server', async () => (await sink.holding()) > 0, 60_000);
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      // the SMTP server sees the dead worker's connections close: it never answered their held
      // messages, so it never accepted them (releasing earlier would accept what no client sent)
      await until('the held messages of the dead worker dropped', async () => (await sink.holding()) === 0, 30_000);
      await sink.hold(false);
      const interrupted = await db.prisma.notificationDelivery.findMany({
        where: { id: { in: ids }, status: 'SENDING' },
        select: { id: true },
      });
      expect(interrupted.length).toBeGreaterThan(0);

      await startWorker(url);
      await until(
        'every delivery DELIVERED',
        async () => (await db.prisma.notificationDelivery.count({ where: { id: { in: ids }, status: 'DELIVERED' } })) === N,
        90_000,
        200,
      );
      // nothing more arrives afterwards
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const mails = await sink.received();
      expect(mails).toHaveLength(N);
      expect(mails.map((m) => m.messageId).sort()).toEqual(ids.map((id) => `<${id}@dictamesh>`).sort());
      expect(new Set(mails.map((m) => m.to[0])).size).toBe(N);
      for (const { id } of interrupted)
        expect(await attemptsOf(db.prisma, id)).toEqual([
          [null, null],
          ['DELIVERED', null],
        ]);
      for (const id of ids.filter((i) => !interrupted.some((x) => x.id === i)))
        expect(await attemptsOf(db.prisma, id)).toEqual([['DELIVERED', null]]);
      const deliveries = await db.prisma.notificationDelivery.findMany({ where: { id: { in: ids } }, include: { notification: true } });
      expect(deliveries.every((d) => d.notification.status === 'DELIVERED' && d.deliveredAt !== null)).toBe(true);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await seeding.queue.stop();
      await db.close();
      await scratch.drop();
    }
  }, 240_000);
});
