/** A published record as the outbox keeps it until every durable consumer group has handled it. */
export interface OutboxEntry {
  topic: string;
  /** The record key (for entity changes the URN); the partition follows from it when the record is re-published. */
  key: string;
  /** The CloudEvent in the CloudEvents 1.0 JSON format (structured mode), serialised. */
  event: string;
  headers: Record<string, string>;
}

/** An {@link OutboxEntry} read back, with the id the store gave it. */
export interface StoredOutboxEntry extends OutboxEntry {
  /** Store-assigned id, increasing in append order (a bigint as a decimal string). */
  id: string;
}

/**
 * Durable storage of the in-process bus's records (the embedded database: table
 * `dictamesh_bus_outbox`), so a record a producer was told is held survives a crash of the
 * process. Implemented where the database is (`@dictamesh/db`'s `createBusOutbox`); the events
 * package does not depend on it.
 */
export interface OutboxStore {
  /**
   * Stores the entries in one write and resolves once it is committed (it survives the process
   * being killed); resolves to their ids, in the order of `entries`.
   */
  append(entries: readonly OutboxEntry[]): Promise<string[]>;
  /** Up to `limit` stored entries with an id above `after` (all when undefined), in id order. */
  read(after: string | undefined, limit: number): Promise<StoredOutboxEntry[]>;
  /** Deletes the entries with these ids (unknown ids are ignored), in one write. */
  remove(ids: readonly string[]): Promise<void>;
}
