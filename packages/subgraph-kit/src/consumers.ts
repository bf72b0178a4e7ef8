import type { BusRecord, Consumer, EventBus } from '@dictamesh/events';

/**
 * A consumer group of a subgraph: which topics it reads and the database write it makes of
 * each batch.
 */
export interface ConsumerSpec {
  /** Consumer group id (`dictamesh-<subgraph>[-<purpose>]`); one group per purpose. */
  groupId: string;
  topics: readonly string[];
  /** A group without a committed offset starts at the oldest retained record (default true), else at new records only. */
  fromBeginning?: boolean;
  /**
   * Writes one batch (consecutive records of one partition, in order). The batch's offsets
   * are committed only after the returned promise resolves, so a write that fails (or a
   * process that dies mid-write) leaves them to be delivered again: the write must be
   * idempotent (e.g. keyed by the CloudEvent id). A failing batch is retried by the bus with
   * backoff, then record by record, and a record that keeps failing goes to the DLQ topic;
   * throw an error with `retryable: false` (a DictaMeshError `BAD_USER_INPUT`) for input that
   * can never succeed.
   */
  write(records: readonly BusRecord[]): Promise<void>;
  /** Most records per batch (default 500). */
  maxBatchSize?: number;
  /** How long (ms) a partial batch waits for more records (default 0). */
  batchLingerMs?: number;
}

/**
 * Joins `spec.groupId` on `bus` and hands it the records of `spec.topics` batch by batch,
 * committing after each write resolved (the {@link EventBus} contract: manual commit after the
 * handler, bounded retries, DLQ). Resolves once the member is subscribed.
 */
export function startConsumer(bus: EventBus, spec: ConsumerSpec): Promise<Consumer> {
  return bus.subscribe({
    groupId: spec.groupId,
    topics: spec.topics,
    fromBeginning: spec.fromBeginning ?? true,
    ...(spec.maxBatchSize === undefined ? {} : { maxBatchSize: spec.maxBatchSize }),
    ...(spec.batchLingerMs === undefined ? {} : { batchLingerMs: spec.batchLingerMs }),
    eachBatch: (records) => spec.write(records),
  });
}
