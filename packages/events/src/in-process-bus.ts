import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryPolicy } from 'cockatiel';
import type { Logger } from '@dictamesh/runtime';
import type { BusRecord, Consumer, EventBus, OutgoingRecord, RecordMetadata, SubscribeOptions } from './bus';
import { assertOneHandler, assertPublishable, consumerRetryPolicy, deadLetterHeaders, deliver, type RetrySettings } from './delivery';
import { Outbox, type InProcessOutboxOptions } from './outbox';
import { TOPICS } from './topics';
import { publishTraced } from './tracing';

/** Options of {@link InProcessEventBus}. */
export interface InProcessBusOptions extends RetrySettings {
  /** Partitions per topic (records are spread by key hash). Default 4. */
  partitions?: number;
  /** DLQ topic. Default `dictamesh.dlq`. */
  dlqTopic?: string;
  /** Records kept per partition (up to 10 % more between trims), oldest dropped first (like Kafka size retention). Default 100 000. */
  retentionRecords?: number;
  /**
   * Makes the bus durable: records of the durable groups' topics are written to this store
   * before `publish()` resolves, deleted once those groups committed past them, and published
   * again by {@link InProcessEventBus.recover} after a restart. Without it, records not yet
   * consumed are lost when the process dies.
   */
  outbox?: InProcessOutboxOptions;
  log?: Logger;
}

interface Partition {
  /** Offset of records[0]. */
  base: number;
  records: BusRecord[];
  /** Wakes the loops waiting for new records. */
  waiters: Set<() => void>;
}

interface Member {
  options: SubscribeOptions;
}

interface Group {
  id: string;
  members: Member[];
  /** `topic/partition` → next offset to deliver. */
  committed: Map<string, number>;
  loops: Map<string, Promise<void>>;
  /** Wakes the group's loops (membership or offsets changed). */
  wake: Set<() => void>;
  /** The delivery in flight per member, awaited when the member stops. */
  inFlight: Map<Member, Promise<void>>;
}

/**
 * The embedded event bus: an in-memory, partitioned, offset-addressed log with consumer
 * groups, holding the same contract as Kafka (order per key, at-least-once, commit after the
 * handler, bounded retries then DLQ). With an `outbox` it is durable for the durable groups'
 * topics: a record is in the store before `publish()` resolves and stays there until every
 * durable group committed past it, and {@link recover} publishes what a killed process left
 * before anything new. Without one, records not yet consumed are lost when the process dies.
 */
export class InProcessEventBus implements EventBus {
  private readonly topics = new Map<string, Partition[]>();
  private readonly groups = new Map<string, Group>();
  private readonly partitionCount: number;
  private readonly retention: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly outbox: Outbox | undefined;
  /** Per stored topic: the last publish's append, so records enter memory in publish order once stored. */
  private readonly appending = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.partitionCount = options.partitions ?? 4;
    this.retention = options.retentionRecords ?? 100_000;
    this.retryPolicy = consumerRetryPolicy(options);
    this.outbox = options.outbox && new Outbox(options.outbox, options.log);
  }

  /**
   * Publishes again the records a previous process stored and did not see committed by every
   * durable group (oldest first, before any new record). Call once, before the first publish
   * or subscribe; without an outbox it does nothing.
   *
   * @returns how many records were published again
   * @throws what the outbox store throws when it cannot be read
   */
  async recover(): Promise<number> {
    if (!this.outbox) return 0;
    let count = 0;
    for await (const page of this.outbox.recover()) {
      for (const { id, topic, record } of page) this.append(topic, [record], this.outbox.groupsOf(topic).length ? [id] : undefined);
      count += page.length;
    }
    return count;
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    if (this.closed) throw new Error('event bus is closed');
    assertPublishable(topic, records, this.dlqTopic);
    return publishTraced(topic, records, async (traced) =>
      this.outbox?.groupsOf(topic).length ? this.storeAndAppend(topic, traced) : this.append(topic, traced),
    );
  }

  /** Stores the records (one write, shared with concurrent publishes), then appends them in the order publish() was called on the topic. */
  private storeAndAppend(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    const stored = this.outbox!.store(topic, records);
    stored.catch(() => undefined); // rejections are seen below, in publish order
    const appended = (this.appending.get(topic) ?? Promise.resolve()).then(async () => this.append(topic, records, await stored));
    this.appending.set(
      topic,
      appended.catch(() => undefined),
    );
    return appended;
  }

  /** Appends records to their partitions; `ids` are their outbox entries when stored. */
  private append(topic: string, records: readonly OutgoingRecord[], ids?: readonly string[]): RecordMetadata[] {
    const partitions = this.partitionsOf(topic);
    const result: RecordMetadata[] = [];
    const touched = new Set<Partition>();
    for (const record of records) {
      const index = partitionFor(record.key, partitions.length);
      const partition = partitions[index]!;
      const offset = partition.base + partition.records.length;
      partition.records.push({
        topic,
        partition: index,
        offset,
        key: record.key,
        event: record.event,
        headers: { ...record.headers },
        timestamp: Date.now(),
      });
      // trim in steps of 10 % so a full partition does not shift its array on every record
      if (partition.records.length > this.retention + Math.ceil(this.retention / 10)) {
        const drop = partition.records.length - this.retention;
        partition.records.splice(0, drop);
        partition.base += drop;
      }
      const id = ids?.[result.length];
      if (id !== undefined) this.outbox!.hold(topic, index, offset, id);
      touched.add(partition);
      result.push({ topic, partition: index, offset });
    }
    for (const partition of touched) for (const wake of [...partition.waiters]) wake();
    return result;
  }

  async subscribe(options: SubscribeOptions): Promise<Consumer> {
    if (this.closed) throw new Error('event bus is closed');
    assertOneHandler(options);
    const group = this.groupOf(options.groupId);
    const member: Member = { options };
    group.members.push(member);
    for (const topic of options.topics) {
      this.partitionsOf(topic).forEach((partition, index) => {
        const key = `${topic}/${index}`;
        if (!group.committed.has(key)) {
          group.committed.set(key, options.fromBeginning ? partition.base : partition.base + partition.records.length);
        }
        if (!group.loops.has(key)) group.loops.set(key, this.runPartition(group, topic, index));
      });
    }
    this.wakeGroup(group);
    return {
      stop: async () => {
        group.members = group.members.filter((m) => m !== member);
        this.wakeGroup(group);
        await group.inFlight.get(member);
        group.inFlight.delete(member);
      },
    };
  }

  async seek(groupId: string, topic: string, partition: number, offset: number): Promise<void> {
    const group = this.groupOf(groupId);
    group.committed.set(`${topic}/${partition}`, offset);
    this.releaseHeld(group, topic, partition);
    this.wakeGroup(group);
  }

  async lag(groupId: string): Promise<number> {
    const group = this.groups.get(groupId);
    if (!group) return 0;
    let lag = 0;
    for (const [key, next] of group.committed) {
      const [topic, index] = splitKey(key);
      const partition = this.partitionsOf(topic)[index]!;
      lag += Math.max(0, partition.base + partition.records.length - Math.max(next, partition.base));
    }
    return lag;
  }

  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const [key, next] of this.groups.get(groupId)?.committed ?? []) {
      const [t, partition] = splitKey(key);
      if (t === topic) out.set(partition, next);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const group of this.groups.values()) {
      group.members = [];
      this.wakeGroup(group);
    }
    for (const partitions of this.topics.values()) for (const p of partitions) for (const w of [...p.waiters]) w();
    await Promise.all([...this.groups.values()].flatMap((g) => [...g.loops.values()]));
    await Promise.all(this.appending.values());
    await this.outbox?.flush();
  }

  /** One delivery loop per (group, topic partition): records go in order, one or one batch at a time. */
  private async runPartition(group: Group, topic: string, index: number): Promise<void> {
    const key = `${topic}/${index}`;
    const partition = this.partitionsOf(topic)[index]!;
    while (!this.closed) {
      const owners = group.members.filter((m) => m.options.topics.includes(topic));
      let next = group.committed.get(key) ?? partition.base;
      if (next < partition.base) {
        this.options.log?.warn(
          { group: group.id, topic, partition: index, from: next, to: partition.base },
          'offset out of retention; skipping ahead',
        );
        next = partition.base;
        group.committed.set(key, next);
      }
      const first = next - partition.base;
      if (owners.length === 0 || first >= partition.records.length) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            partition.waiters.delete(wake);
            group.wake.delete(wake);
            resolve();
          };
          partition.waiters.add(wake);
          group.wake.add(wake);
        });
        continue;
      }
      // Partitions are spread over the group's members; the owner can change between batches.
      const member = owners[index % owners.length]!;
      const size = member.options.eachBatch ? (member.options.maxBatchSize ?? 500) : 1;
      const linger = member.options.eachBatch ? (member.options.batchLingerMs ?? 0) : 0;
      if (linger > 0 && partition.records.length - first < size) await sleep(linger);
      const records = partition.records.slice(first, first + size);
      const delivery = this.deliver(group, member, records);
      group.inFlight.set(member, delivery);
      await delivery;
      if (group.committed.get(key) === next) {
        group.committed.set(key, next + records.length);
        this.releaseHeld(group, topic, index);
      }
    }
  }

  /**
   * After a durable group's commit: the stored records of the partition that every durable
   * group of the topic has committed past are deleted from the outbox. A durable group that has
   * not joined yet holds them all.
   */
  private releaseHeld(group: Group, topic: string, index: number): void {
    const holders = this.outbox?.groupsOf(topic);
    if (!holders?.includes(group.id)) return;
    let watermark = Number.POSITIVE_INFINITY;
    for (const holder of holders) {
      const next = this.groups.get(holder)?.committed.get(`${topic}/${index}`);
      if (next === undefined) return;
      watermark = Math.min(watermark, next);
    }
    this.outbox!.release(topic, index, watermark);
  }

  private deliver(group: Group, member: Member, records: BusRecord[]): Promise<void> {
    return deliver(
      member.options,
      records,
      this.retryPolicy,
      async (record, error, attempts) => {
        this.options.log?.error(
          { group: group.id, topic: record.topic, offset: record.offset, key: record.key, attempts, err: error },
          'record sent to DLQ',
        );
        await this.publish(this.dlqTopic, [
          { key: record.key, event: record.event, headers: deadLetterHeaders(record, group.id, error, attempts) },
        ]);
      },
      this.dlqTopic,
    );
  }

  private get dlqTopic(): string {
    return this.options.dlqTopic ?? TOPICS.dlq;
  }

  private partitionsOf(topic: string): Partition[] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: this.partitionCount }, () => ({ base: 0, records: [], waiters: new Set<() => void>() }));
      this.topics.set(topic, partitions);
    }
    return partitions;
  }

  private groupOf(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = { id, members: [], committed: new Map(), loops: new Map(), wake: new Set(), inFlight: new Map() };
      this.groups.set(id, group);
    }
    return group;
  }

  private wakeGroup(group: Group): void {
    for (const wake of [...group.wake]) wake();
  }
}

/** Partition of a key: the first 4 bytes of its MD5, modulo the partition count. */
function partitionFor(key: string, partitions: number): number {
  return createHash('md5').update(key).digest().readUInt32BE(0) % partitions;
}

function splitKey(key: string): [string, number] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), Number(key.slice(slash + 1))];
}
