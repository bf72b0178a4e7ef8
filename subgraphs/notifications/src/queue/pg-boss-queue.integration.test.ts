import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { createScratchDatabase } from '../../../../test/postgres-database';
import { bareDatabase } from '../test/postgres-queue-database';
import { until } from '../test/wait';
import { createDeliveryQueue, jobId, QUEUE_SCHEMA } from './pg-boss-queue';
import type { DeliveryQueue } from './queue';

const log = pino({ level: 'silent' });
const TIMEOUT_MS = 120_000;
let db: Database;
const children: ChildProcess[] = [];
const queues: DeliveryQueue[] = [];

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(queues.map((q) => q.stop()));
  await db.close();
});

/** A queue recording what its `deliver` handler was called with. */
function recordingQueue(database: Database, options: { fail?: (id: string) => boolean; expireInSeconds?: number } = {}) {
  const calls: { id: string; notBefore: string | null; at: number }[] = [];
  const queue = createDeliveryQueue({
    db: database,
    log,
    pollIntervalMs: 200,
    batchSize: 10,
    maintenanceIntervalSeconds: 1,
    ...(options.expireInSeconds ? { expireInSeconds: options.expireInSeconds } : {}),
  });
  queues.push(queue);
  queue.handle('deliver', async (id, notBefore) => {
    calls.push({ id, notBefore: notBefore?.toISOString() ?? null, at: Date.now() });
    if (options.fail?.(id)) throw new Error(`handler of ${id} failed`);
  });
  return { queue, calls };
}

describe('jobId', () => {
  it('is a version 8 UUID of (kind, id, startAfter), the same for the same three', () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    const a = jobId('deliver', 'd1', at);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobId('deliver', 'd1', new Date(at))).toBe(a);
    expect(new Set([a, jobId('deliver', 'd1', undefined), jobId('digest', 'd1', at), jobId('deliver', 'd2', at)]).size).toBe(4);
  });
});

describe('createDeliveryQueue on PGlite', () => {
  it(
    'queues inside the caller’s transaction: a rollback queues nothing, a repeat queues nothing more, startAfter is kept',
    async () => {
      const { queue, calls } = recordingQueue(db);
      await queue.start();
      const later = new Date(Date.now() + 4_000);
      await db.prisma.$transaction(async (tx) => {
        await queue.enqueueDelivery(tx, 'a');
        await queue.enqueueDelivery(tx, 'a');
        await queue.enqueueDelivery(tx, 'later', later);
      });
      await db.prisma.$transaction(async (tx) => queue.enqueueDelivery(tx, 'later', later));
      await expect(
        db.prisma.$transaction(async (tx) => {
          await queue.enqueueDelivery(tx, 'rolled-back');
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      queue.wake();
      await until('the later job', () => calls.length >= 2, 20_000);
      expect(calls.map(({ id, notBefore }) => ({ id, notBefore }))).toEqual([
        { id: 'a', notBefore: null },
        { id: 'later', notBefore: later.toISOString() },
      ]);
      expect(calls[1]!.at).toBeGreaterThanOrEqual(later.getTime());
      // the same attempt queued again after it ran is still the same job
      await db.prisma.$transaction(async (tx) => queue.enqueueDelivery(tx, 'a'));
      queue.wake();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(calls.map((c) => c.id)).toEqual(['a', 'later']);
      const rows = await db.runner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE data->>'id' = 'rolled-back'`,
      );
      expect(rows[0]!.n).toBe(0);
      await queue.stop();
      expect((await queue.jobCounts()).completed).toBeGreaterThanOrEqual(2);
    },
    TIMEOUT_MS,
  );

  it(
    'retries a job whose handler threw (pg-boss backoff), and counts jobs by state',
    async () => {
      let failures = 0;
      const { queue, calls } = recordingQueue(db, { fail: (id) => id === 'flaky' && ++failures <= 2 });
      await queue.start();
      await db.prisma.$transaction(async (tx) => queue.enqueueDelivery(tx, 'flaky'));
      queue.wake();
      await until('the third run of the flaky job', () => calls.length >= 3, 30_000);
      expect(calls.map((c) => c.id)).toEqual(['flaky', 'flaky', 'flaky']);
      await queue.stop();
      const counts = await queue.jobCounts();
      expect(counts.failed).toBe(0);
      expect(counts.retry + counts.created + counts.active).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    'runs a batch of 300 jobs, each once, and stops within its bound',
    async () => {
      const { queue, calls } = recordingQueue(db);
      await queue.start();
      const ids = Array.from({ length: 300 }, (_, i) => `bulk-${i}`);
      await db.prisma.$transaction(
        async (tx) => {
          for (const id of ids) await queue.enqueueDelivery(tx, id);
        },
        { timeout: 60_000 },
      );
      const started = performance.now();
      queue.wake();
      await until('300 jobs', () => calls.length >= 300, 60_000, 10);
      const seconds = (performance.now() - started) / 1000;
      console.info(`pg-boss queue on PGlite: ${Math.round(300 / seconds)} jobs/s (no-op handler, batch 10)`);
      expect(calls.map((c) => c.id).sort()).toEqual([...ids].sort());
      const stopStarted = Date.now();
      await queue.stop();
      expect(Date.now() - stopStarted).toBeLessThan(5_000);
    },
    TIMEOUT_MS,
  );
});

describe('createDeliveryQueue on PostgreSQL, across processes', () => {
  it(
    'gives the jobs a worker killed with SIGKILL held to another process once they expire, each once',
    async () => {
      const scratch = await createScratchDatabase(inject('postgresUrl'), 'dictamesh_notification_queue_test');
      const database = bareDatabase(scratch.url.href);
      try {
        const { queue, calls } = recordingQueue(database, { expireInSeconds: 5 });
        await queue.install();
        await database.prisma.$transaction(async (tx) => {
          for (const id of ['k1', 'k2', 'k3']) await queue.enqueueDelivery(tx, id);
        });
        const holder = fileURLToPath(new URL('../test/queue-holder.ts', import.meta.url));
        const child = spawn(process.execPath, ['--import', 'tsx', holder, scratch.url.href], { stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        const taken: string[] = [];
        child.stdout!.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n').filter(Boolean)) taken.push((JSON.parse(line) as { took: string }).took);
        });
        await until('the holder to take the three jobs', () => taken.length >= 3, 60_000);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        expect(taken.sort()).toEqual(['k1', 'k2', 'k3']);
        expect((await queue.jobCounts()).active).toBe(3);
        // this process's queue: its supervision expires them (5 s), then runs them
        await queue.start();
        await until('the three expired jobs to run here', () => calls.length >= 3, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(calls.map((c) => c.id).sort()).toEqual(['k1', 'k2', 'k3']);
        await queue.stop();
      } finally {
        await database.close();
        await scratch.drop();
      }
    },
    TIMEOUT_MS,
  );
});
