import type { Database } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import type { DeliveryQueue } from './queue';

/** Options of {@link createDeliveryQueue}. */
export interface DeliveryQueueOptions {
  db: Database;
  log: Logger;
  /** How often the worker polls when nothing woke it, ms (default 1 000). */
  pollIntervalMs?: number;
  /** Jobs fetched and run at once (default 20). */
  batchSize?: number;
  /** A job a dead worker held is given to another after this long, s (default 60). */
  expireInSeconds?: number;
}

/** SCAFFOLD (issue 15, helper "queue"): the pg-boss delivery queue. */
export function createDeliveryQueue(_options: DeliveryQueueOptions): DeliveryQueue {
  throw new Error('createDeliveryQueue: not implemented yet');
}
