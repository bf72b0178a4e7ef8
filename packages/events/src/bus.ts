import type { CloudEvent } from 'cloudevents';

/** A record to publish. Records with the same key keep their order (same partition). */
export interface OutgoingRecord {
  /** Partition key; for entity changes the entity URN. */
  key: string;
  event: CloudEvent<unknown>;
  /** Extra string headers (DLQ error details, tracing). */
  headers?: Record<string, string>;
}

/** A record as a consumer sees it. */
export interface BusRecord {
  topic: string;
  partition: number;
  /** Position in the partition; a consumer group commits `offset + 1`. */
  offset: number;
  key: string;
  event: CloudEvent<unknown>;
  headers: Record<string, string>;
  /** Wall-clock time the bus appended the record, ms since epoch. */
  timestamp: number;
}

/** Where a published record landed. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

/** Options of {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  /** Consumer group: members of one group share the partitions; each group sees every record. */
  groupId: string;
  topics: readonly string[];
  /** Start from the oldest retained record when the group has no committed offset (else: new records only). */
  fromBeginning?: boolean;
  /**
   * Handles one record. The offset is committed only after it resolves. When it keeps
   * failing after the bus's bounded retries, the record goes to the DLQ topic with the error
   * in its headers, and the group moves on. An error with `retryable: false` skips the
   * retries. Give exactly one of `eachMessage` and `eachBatch`.
   */
  eachMessage?(record: BusRecord): Promise<void>;
  /**
   * Handles consecutive records of one partition at once (up to `maxBatchSize`); offsets are
   * committed after it resolves. When a batch keeps failing, its records are retried one by
   * one so only the poison ones go to the DLQ.
   */
  eachBatch?(records: readonly BusRecord[]): Promise<void>;
  /** Most records per `eachBatch` call. Default 500. */
  maxBatchSize?: number;
  /**
   * With `eachBatch`: when fewer than `maxBatchSize` records are waiting, wait this long (ms)
   * for more before handing the batch over (Kafka's `fetch.max.wait.ms`). Trades a little
   * latency for fewer, larger transactions. Default 0.
   */
  batchLingerMs?: number;
}

/** A running consumer group member. */
export interface Consumer {
  /** Stops taking new records, waits for the one in flight, and leaves the group. */
  stop(): Promise<void>;
}

/**
 * The event bus contract shared by the in-process bus (embedded default) and the Kafka
 * transport: order per key, at-least-once delivery, consumer groups with committed offsets,
 * replay from an offset, and a DLQ for poison records.
 */
export interface EventBus {
  /**
   * Appends records to a topic. Resolves once the bus holds them (for Kafka: acked by the
   * brokers); only then may a producer confirm receipt to its caller.
   */
  publish(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]>;
  subscribe(options: SubscribeOptions): Promise<Consumer>;
  /** Moves a group's committed offset (replay or skip). */
  seek(groupId: string, topic: string, partition: number, offset: number): Promise<void>;
  /** Records not yet committed by the group, summed over its topics' partitions. */
  lag(groupId: string): Promise<number>;
  /**
   * The group's committed position on each partition of a topic: partition → the next
   * offset it will read (every record below it is handled). Partitions without a commit
   * are left out.
   */
  committed(groupId: string, topic: string): Promise<Map<number, number>>;
  close(): Promise<void>;
}
