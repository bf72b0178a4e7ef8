import type { Prisma } from '@dictamesh/db';

/** Job kinds of the delivery queue: one delivery attempt, or the close of one digest window. */
export type JobKind = 'deliver' | 'digest';

/**
 * The durable delivery queue (pg-boss, schema `dictamesh_notification_jobs`). Jobs are inserted
 * inside the caller's Prisma transaction, so a notification and its jobs commit together: a crash
 * after the commit loses nothing (the worker picks the job up), a rollback queues nothing.
 */
export interface DeliveryQueue {
  /**
   * Queues one attempt of a delivery, not before `startAfter` (default now). Idempotent per
   * (delivery, startAfter): queuing the same attempt twice runs it once.
   */
  enqueueDelivery(tx: Prisma.TransactionClient, deliveryId: string, startAfter?: Date): Promise<void>;
  /** Queues the close of a digest window at `startAfter` (its window end); once per digest. */
  enqueueDigest(tx: Prisma.TransactionClient, digestId: string, startAfter: Date): Promise<void>;
  /** Registers what a job kind runs (the worker calls it with the job's id argument). */
  handle(kind: JobKind, handler: (id: string) => Promise<void>): void;
  /** Starts the worker (after pg-boss created or migrated its schema). */
  start(): Promise<void>;
  /** Wakes the worker now (call after a commit that queued jobs), instead of waiting for its poll. */
  wake(): void;
  /** Stops fetching, lets jobs in flight finish (bounded), then stops pg-boss. */
  stop(): Promise<void>;
}
