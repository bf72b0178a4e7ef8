import type { Prisma } from '@dictamesh/db';

/** Job kinds of the delivery queue: one delivery attempt, or the close of one digest window. */
export type JobKind = 'deliver' | 'digest';

/** Jobs of the queue by pg-boss state (`created`, `retry`, `active`, `completed`, `cancelled`, `failed`). */
export type JobCounts = Record<'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed', number>;

/**
 * What a job handler is given: the id the job was queued for, and the `startAfter` it was queued
 * with (undefined when queued to run at once), so a handler can tell a stale job from the one
 * its row expects (a delivery's `nextAttemptAt`).
 */
export type JobHandler = (id: string, notBefore?: Date) => Promise<void>;

/**
 * The durable delivery queue (pg-boss, schema `dictamesh_notification_jobs`). Jobs are inserted
 * inside the caller's Prisma transaction, so a notification and its jobs commit together: a crash
 * after the commit loses nothing (the worker picks the job up), a rollback queues nothing.
 *
 * Delivery is at least once: a job whose worker died (killed, crashed, lost its connection) is
 * given to a worker again once its `expireInSeconds` have passed; handlers are written to run
 * twice harmlessly (a delivery resends under the same message id).
 */
export interface DeliveryQueue {
  /**
   * Queues one attempt of a delivery, not before `startAfter` (default now). Idempotent per
   * (delivery, startAfter): queuing the same attempt twice runs it once (the job id is derived
   * from both). A re-run of a delivery whose first job ran already needs a `startAfter` (e.g. the
   * clock's now): without one the job id is that of the delivery's first job.
   */
  enqueueDelivery(tx: Prisma.TransactionClient, deliveryId: string, startAfter?: Date): Promise<void>;
  /** Queues the close of a digest window at `startAfter` (its window end); once per digest. */
  enqueueDigest(tx: Prisma.TransactionClient, digestId: string, startAfter: Date): Promise<void>;
  /** Registers what a job kind runs (the worker calls it with the job's id argument and its `startAfter`). */
  handle(kind: JobKind, handler: JobHandler): void;
  /**
   * Creates or migrates pg-boss's schema and the queues (idempotent, concurrent-safe); needed
   * before jobs can be enqueued. {@link DeliveryQueue.start} calls it.
   */
  install(): Promise<void>;
  /** Starts the worker (after pg-boss created or migrated its schema). */
  start(): Promise<void>;
  /** Wakes the worker now (call after a commit that queued jobs), instead of waiting for its poll. */
  wake(): void;
  /** Jobs by state, every kind together (for metrics). */
  jobCounts(): Promise<JobCounts>;
  /** Stops fetching, lets jobs in flight finish (bounded), then stops pg-boss. */
  stop(): Promise<void>;
}
