import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database, Prisma } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import type { DeliveryQueue, JobCounts, JobHandler, JobKind } from './queue';

/** pg-boss's schema: its tables live apart from DictaMesh's own. */
export const QUEUE_SCHEMA = 'dictamesh_notification_jobs';

/** The pg-boss queue of each job kind. */
export const QUEUE_NAMES: Readonly<Record<JobKind, string>> = Object.freeze({
  deliver: 'notification-deliver',
  digest: 'notification-digest',
});

/** Options of {@link createDeliveryQueue}. */
export interface DeliveryQueueOptions {
  db: Database;
  log: Logger;
  /** How often the worker polls when nothing woke it, ms (default 1 000). */
  pollIntervalMs?: number;
  /** Jobs fetched and run at once (default 20). */
  batchSize?: number;
  /**
   * A job a dead worker held is given to another after this long, s (default 60), counted from
   * when it was fetched; set on the jobs this queue enqueues. Longer than a batch's jobs take
   * (the providers' timeouts, the database's pace): a job still running then is run twice (its
   * message resent under the same id).
   */
  expireInSeconds?: number;
  /** How often pg-boss's supervision expires the jobs of dead workers and archives finished ones, s (default 30). */
  maintenanceIntervalSeconds?: number;
  /** Times a job whose handler threw is retried (pg-boss backoff from 1 s, default 10); expired jobs count too. */
  retryLimit?: number;
  /** How long {@link DeliveryQueue.stop} waits for jobs in flight, ms (default 10 000). */
  stopTimeoutMs?: number;
}

/** What a job carries: the delivery (or digest) id and the `startAfter` it was queued with. */
interface JobData {
  id: string;
  notBefore: string | null;
}

/** pg-boss's `db` over PGlite: multi-statement scripts (its migrations) need `exec`, the rest `query`. */
function pgliteExecutor(pglite: NonNullable<Database['pglite']>): PgBoss.Db {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows };
      const results = await pglite.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}

/** pg-boss's `db` over the service's database: PGlite in-process, or the `pg` pool of a PostgreSQL URL. */
function databaseExecutor(db: Database): PgBoss.Db {
  if (db.kind === 'pglite' && db.pglite) return pgliteExecutor(db.pglite);
  // a pg pool: no values is the simple protocol, where pg-boss's multi-statement scripts run
  return { executeSql: async (text, values) => ({ rows: (await db.runner.query(text, values ?? [])) ?? [] }) };
}

/** pg-boss's `db` inside a Prisma transaction, so a job commits (or rolls back) with the caller's rows. */
function transactionExecutor(tx: Prisma.TransactionClient): PgBoss.Db {
  return {
    async executeSql(text, values = []) {
      // the job's data goes to a ::jsonb parameter as its JSON text
      const params = values.map((v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v));
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

/**
 * The job id of (kind, id, startAfter): a UUID (version 8, RFC 9562) of their SHA-256, so queuing
 * the same job twice meets pg-boss's primary key and does nothing.
 */
export function jobId(kind: JobKind, id: string, startAfter: Date | undefined): string {
  const hex = createHash('sha256')
    .update(`${kind}:${id}:${startAfter ? startAfter.toISOString() : 'now'}`)
    .digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const EMPTY_COUNTS: JobCounts = Object.freeze({ created: 0, retry: 0, active: 0, completed: 0, cancelled: 0, failed: 0 });

/**
 * The durable delivery queue on pg-boss 10 (schema `dictamesh_notification_jobs`) over the
 * service's own database: PGlite in-process (one statement at a time) or PostgreSQL.
 *
 * - Enqueue: `send` with pg-boss's `db` option bound to the caller's Prisma transaction, and a
 *   job id derived from (kind, id, startAfter) ({@link jobId}): a rollback queues nothing, a
 *   repeat queues nothing more.
 * - Worker: a loop that `fetch`es up to `batchSize` jobs (less the ones still running), runs them
 *   concurrently, `complete`s or `fail`s each (a thrown handler is retried by pg-boss with
 *   backoff), fetches again at once while jobs remain, and otherwise waits for
 *   {@link DeliveryQueue.wake} or `pollIntervalMs`. (pg-boss's own `work()` waits its polling
 *   interval between batches even when jobs remain, so it is not used.)
 * - Crash recovery: a job held by a worker that died stays `active` until `expireInSeconds`
 *   after it started; pg-boss's supervision (every `maintenanceIntervalSeconds`, in every
 *   process running the queue) then puts it back for retry, and any worker runs it again.
 */
export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const { db, log } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 20;
  const expireInSeconds = options.expireInSeconds ?? 60;
  const retryLimit = options.retryLimit ?? 10;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;

  const executor = databaseExecutor(db);
  const boss = new PgBoss({
    db: executor,
    schema: QUEUE_SCHEMA,
    schedule: false,
    supervise: true,
    migrate: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
  });
  boss.on('error', (error) => log.warn({ err: error }, 'notification queue maintenance failed'));

  const handlers = new Map<JobKind, JobHandler>();
  const running = new Set<Promise<void>>();
  let installing: Promise<void> | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  /** Set by wake() while the loop was not waiting: its next idle wait returns at once. */
  let wakePending = false;
  /** Ends the loop's current wait: for work (`idle`), or for free slots (`slots`). */
  let waiting: { reason: 'idle' | 'slots'; resume: () => void } | undefined;
  /** Ids of the jobs that ran, by kind, marked complete by the loop in one statement. */
  const completed = new Map<JobKind, string[]>();
  /** Free slots that make the loop fetch again (fetching a few jobs at a time costs a statement each). */
  const refillAt = Math.max(1, Math.ceil(batchSize / 2));

  const send = async (tx: Prisma.TransactionClient, kind: JobKind, id: string, startAfter: Date | undefined) => {
    const data: JobData = { id, notBefore: startAfter ? startAfter.toISOString() : null };
    await boss.send(QUEUE_NAMES[kind], data as unknown as object, {
      id: jobId(kind, id, startAfter),
      ...(startAfter ? { startAfter } : {}),
      expireInSeconds,
      retryLimit,
      retryDelay: 1,
      retryBackoff: true,
      db: transactionExecutor(tx),
    });
  };

  const resume = (reason: 'idle' | 'slots') => {
    if (waiting?.reason === reason) {
      const { resume: r } = waiting;
      waiting = undefined;
      r();
    }
  };

  const wait = (reason: 'idle' | 'slots') =>
    new Promise<void>((resolve) => {
      const timer = reason === 'idle' ? setTimeout(() => resume('idle'), pollIntervalMs) : undefined;
      waiting = {
        reason,
        resume: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
    });

  /** Marks the jobs that ran complete, one statement per kind. */
  const flushCompleted = async () => {
    for (const [kind, ids] of completed) {
      if (ids.length === 0) continue;
      completed.set(kind, []);
      await boss.complete(QUEUE_NAMES[kind], ids).catch((error: unknown) => {
        // they expire and run again; their handlers find the work done
        log.warn({ err: error, kind, jobs: ids.length }, 'notification jobs could not be marked complete');
      });
    }
  };

  const runJob = (kind: JobKind, job: PgBoss.Job<JobData>) => {
    const handler = handlers.get(kind)!;
    const run = (async () => {
      try {
        await handler(job.data.id, job.data.notBefore ? new Date(job.data.notBefore) : undefined);
        completed.get(kind)!.push(job.id);
        // an idle loop marks it complete now, not after its poll interval (the job's expiry runs meanwhile)
        resume('idle');
      } catch (error) {
        log.error({ err: error, kind, id: job.data.id }, 'notification job failed; pg-boss retries it');
        const output = { message: error instanceof Error ? error.message : String(error) };
        await boss.fail(QUEUE_NAMES[kind], job.id, output).catch((e: unknown) => {
          log.warn({ err: e, kind, id: job.data.id }, 'notification job could not be marked failed; it expires');
        });
      }
    })();
    running.add(run);
    void run.finally(() => {
      running.delete(run);
      if (batchSize - running.size >= refillAt) resume('slots');
    });
  };

  const work = async () => {
    const kinds = [...handlers.keys()];
    for (const kind of kinds) completed.set(kind, []);
    while (!stopping) {
      await flushCompleted();
      let fetched = 0;
      for (const kind of kinds) {
        const free = batchSize - running.size;
        if (free <= 0 || stopping) break;
        const jobs = await boss.fetch<JobData>(QUEUE_NAMES[kind], { batchSize: free });
        fetched += jobs.length;
        // fetched after stop(): left active, they expire and run elsewhere
        if (!stopping) for (const job of jobs) runJob(kind, job);
      }
      if (stopping) break;
      if (batchSize - running.size < refillAt) await wait('slots');
      else if (fetched === 0) {
        if (wakePending) wakePending = false;
        else await wait('idle');
      }
    }
  };

  const install = () => {
    installing ??= (async () => {
      await boss.start();
      for (const name of Object.values(QUEUE_NAMES)) await boss.createQueue(name);
    })();
    return installing;
  };

  return {
    enqueueDelivery: (tx, deliveryId, startAfter) => send(tx, 'deliver', deliveryId, startAfter),
    enqueueDigest: (tx, digestId, startAfter) => send(tx, 'digest', digestId, startAfter),
    handle(kind, handler) {
      handlers.set(kind, handler);
    },
    install,
    async start() {
      await install();
      if (loop || stopping) return;
      loop = work().catch((error: unknown) => log.error({ err: error }, 'notification worker stopped'));
    },
    wake() {
      if (waiting?.reason === 'idle') resume('idle');
      else wakePending = true;
    },
    async jobCounts() {
      if (!installing) return { ...EMPTY_COUNTS };
      await installing;
      const { rows } = await executor.executeSql(
        `SELECT state::text AS state, count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = ANY($1::text[]) GROUP BY state`,
        [Object.values(QUEUE_NAMES)],
      );
      const counts = { ...EMPTY_COUNTS };
      for (const row of rows as { state: keyof JobCounts; n: number }[]) counts[row.state] = Number(row.n);
      return counts;
    },
    async stop() {
      stopping = true;
      resume('idle');
      resume('slots');
      await loop;
      if (running.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)));
        await Promise.race([Promise.allSettled([...running]), timeout]);
        clearTimeout(timer);
        if (running.size > 0) log.warn({ jobs: running.size }, 'notification jobs still running at stop; they expire and run again');
      }
      await flushCompleted();
      if (installing) {
        await installing.catch(() => undefined);
        await boss.stop({ graceful: false, close: false });
      }
    },
  };
}
