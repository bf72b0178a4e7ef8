import type { Prisma, PrismaClient } from '@dictamesh/db';
import type { DeliveryQueue, JobKind } from '../queue/queue';

/** A job as {@link createTableQueue} stored it. */
export interface TableJob {
  kind: JobKind;
  id: string;
  startAfter: Date | null;
}

/** A {@link DeliveryQueue} of tests: jobs are rows of `test_notification_jobs`, inserted in the caller's transaction. */
export interface TableQueue extends DeliveryQueue {
  /** Every job committed so far, in insertion order. */
  jobs(): Promise<TableJob[]>;
  /** How many times `wake` was called. */
  readonly wakes: number;
}

/**
 * Tests only: a delivery queue whose jobs are rows of a plain table (created here) written through
 * the transaction client, so a rolled-back acceptance leaves none, as pg-boss's would. It runs
 * nothing: `handle`/`start`/`stop` only record.
 */
export async function createTableQueue(prisma: PrismaClient): Promise<TableQueue> {
  await prisma.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS test_notification_jobs (seq SERIAL PRIMARY KEY, kind TEXT NOT NULL, job_id TEXT NOT NULL, start_after TIMESTAMPTZ(3))`,
  );
  let wakes = 0;
  const insert = async (tx: Prisma.TransactionClient, kind: JobKind, id: string, startAfter: Date | null) => {
    await tx.$executeRaw`INSERT INTO test_notification_jobs (kind, job_id, start_after) VALUES (${kind}, ${id}, ${startAfter})`;
  };
  return {
    enqueueDelivery: (tx, deliveryId, startAfter) => insert(tx, 'deliver', deliveryId, startAfter ?? null),
    enqueueDigest: (tx, digestId, startAfter) => insert(tx, 'digest', digestId, startAfter),
    handle: () => undefined,
    install: async () => undefined,
    start: async () => undefined,
    jobCounts: async () => ({ created: (await storedJobs()).length, retry: 0, active: 0, completed: 0, cancelled: 0, failed: 0 }),
    wake: () => {
      wakes += 1;
    },
    stop: async () => undefined,
    get wakes() {
      return wakes;
    },
    jobs: storedJobs,
  };
  async function storedJobs(): Promise<TableJob[]> {
    const rows = await prisma.$queryRaw<{ kind: JobKind; job_id: string; start_after: Date | null }[]>`
        SELECT kind, job_id, start_after FROM test_notification_jobs ORDER BY seq`;
    return rows.map((row) => ({ kind: row.kind, id: row.job_id, startAfter: row.start_after }));
  }
}
