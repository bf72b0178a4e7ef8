import { CloudEvent } from 'cloudevents';
import type { Logger } from '@dictamesh/runtime';
import type { OutgoingRecord } from './bus';
import { coalescedAppends } from './outbox-appends';
import type { OutboxEntry, OutboxStore } from './outbox-store';

/** Durability of the in-process bus (option `outbox` of {@link InProcessEventBus}). */
export interface InProcessOutboxOptions {
  store: OutboxStore;
  /**
   * Consumer group → the topics it must see every record of (e.g. the catalog's ingest group →
   * the entity topics). A record of such a topic is stored before `publish()` resolves and
   * deleted once every group listed for its topic has committed past it. Groups not listed
   * (a gateway's per-process subscription group) hold nothing; topics no listed group reads are
   * not stored.
   */
  durableGroups: Readonly<Record<string, readonly string[]>>;
  /** Most ids per delete statement. Default 1 000. */
  removeBatchSize?: number;
  /** Entries read per page when recovering. Default 1 000. */
  recoverPageSize?: number;
}

/** A record left in the store by an earlier process, to publish again. */
export interface RecoveredRecord {
  id: string;
  topic: string;
  record: OutgoingRecord;
}

/** Held records of one topic partition: offset → store id, and the offset below which all are released. */
interface HeldPartition {
  ids: Map<number, string>;
  releasedTo: number;
}

/**
 * The in-process bus's outbox bookkeeping: which topics are stored, which in-memory record is
 * which stored entry, and the batched deletes once the durable groups have committed. Deletes
 * run one at a time in the background (a failed one is logged and retried with the next
 * release); a record whose delete is lost is only delivered again after a restart, which the
 * consumers tolerate (at-least-once, idempotent by CloudEvent id).
 */
export class Outbox {
  private readonly holders = new Map<string, string[]>();
  private readonly held = new Map<string, HeldPartition>();
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;
  private readonly append: (entries: OutboxEntry[]) => Promise<string[]>;

  constructor(
    private readonly options: InProcessOutboxOptions,
    private readonly log?: Logger,
  ) {
    this.append = coalescedAppends(options.store);
    for (const [group, topics] of Object.entries(options.durableGroups)) {
      for (const topic of topics) this.holders.set(topic, [...(this.holders.get(topic) ?? []), group]);
    }
  }

  /** The durable groups that must see every record of `topic` (none: the topic is not stored). */
  groupsOf(topic: string): readonly string[] {
    return this.holders.get(topic) ?? [];
  }

  /**
   * Stores the records of one publish call, in one write shared with the publishes waiting
   * beside it ({@link coalescedAppends}); resolves to their ids once committed.
   */
  store(topic: string, records: readonly OutgoingRecord[]): Promise<string[]> {
    return this.append(records.map((r) => ({ topic, key: r.key, event: JSON.stringify(r.event), headers: { ...r.headers } })));
  }

  /**
   * Records an earlier process stored and no durable group released, oldest first, page by
   * page. Those of a topic no durable group reads any more (the configuration changed) are
   * given once more and deleted at once: nothing would ever release them.
   */
  async *recover(): AsyncGenerator<RecoveredRecord[]> {
    const size = this.options.recoverPageSize ?? 1_000;
    let after: string | undefined;
    for (;;) {
      const page = await this.options.store.read(after, size);
      if (page.length === 0) return;
      after = page[page.length - 1]!.id;
      const orphans = page.filter((entry) => !this.holders.has(entry.topic)).map((entry) => entry.id);
      if (orphans.length > 0) {
        this.pending.push(...orphans);
        void this.flush();
      }
      yield page.map((entry) => ({
        id: entry.id,
        topic: entry.topic,
        record: {
          key: entry.key,
          event: new CloudEvent(JSON.parse(entry.event) as Record<string, unknown>, false),
          headers: entry.headers,
        },
      }));
      if (page.length < size) return;
    }
  }

  /** Notes that the record at `offset` of a topic partition is the stored entry `id`. */
  hold(topic: string, partition: number, offset: number, id: string): void {
    const key = `${topic}/${partition}`;
    let held = this.held.get(key);
    if (!held) this.held.set(key, (held = { ids: new Map(), releasedTo: offset }));
    held.ids.set(offset, id);
  }

  /**
   * Every durable group of the topic has committed up to `watermark` (exclusive) on the
   * partition: queues the deletes of the records below it and starts a flush.
   */
  release(topic: string, partition: number, watermark: number): void {
    const held = this.held.get(`${topic}/${partition}`);
    if (!held || watermark <= held.releasedTo) return;
    for (let offset = held.releasedTo; offset < watermark; offset++) {
      const id = held.ids.get(offset);
      if (id === undefined) continue;
      held.ids.delete(offset);
      this.pending.push(id);
    }
    held.releasedTo = watermark;
    void this.flush();
  }

  /** Deletes the released records (single flight: a call during a flush joins it). */
  flush(): Promise<void> {
    this.flushing ??= this.removePending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async removePending(): Promise<void> {
    const size = this.options.removeBatchSize ?? 1_000;
    while (this.pending.length > 0) {
      const ids = this.pending.slice(0, size);
      try {
        await this.options.store.remove(ids);
        this.pending = this.pending.slice(ids.length);
      } catch (error) {
        this.log?.warn({ err: error, records: this.pending.length }, 'bus outbox: delete failed; retried at the next commit');
        return;
      }
    }
  }
}
