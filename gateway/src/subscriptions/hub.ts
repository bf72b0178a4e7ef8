import { hostname } from 'node:os';
import { ENTITY_TOPICS, type BusRecord, type Consumer, type EntityChange, type EventBus } from '@dictamesh/events';
import { DEFAULT_ORG, type Logger } from '@dictamesh/runtime';

/** Server-side filter of `entityChanged`; each given list must match. */
export interface EntityChangeFilter {
  urns?: readonly string[] | null;
  types?: readonly string[] | null;
  sources?: readonly string[] | null;
  /** `CREATED` | `UPDATED` | `DELETED`. */
  operations?: readonly string[] | null;
}

/** What a subscriber receives for one change. */
export interface EntityChangeNotice {
  eventId: string;
  operation: 'CREATED' | 'UPDATED' | 'DELETED';
  urn: string;
  type: string;
  source: string;
  occurredAt: string;
  changedAttributes: string[] | null;
}

/** Options of {@link EntityChangeHub}. */
export interface EntityChangeHubOptions {
  bus: EventBus;
  log: Logger;
  /** Consumer group whose commits mark a change as applied (the catalog's). */
  appliedByGroup: string;
  /** This gateway instance's own consumer group (every instance sees every change). */
  groupId?: string;
  /** Deliver anyway after this long (ms) when the catalog has not applied a change. Default 10 000. */
  maxApplyWaitMs?: number;
  /** How often (ms) the catalog's committed offsets are read while changes wait. Default 25. */
  pollMs?: number;
}

/** A subscriber: its organisation and filter, and where to push matching notices. */
interface Listener {
  org: string;
  filter: EntityChangeFilter;
  push(notice: EntityChangeNotice): void;
}

interface Pending {
  record: BusRecord;
  deadline: number;
}

/** Does a change pass a filter? Lists are OR inside, AND across. */
export function matches(filter: EntityChangeFilter | null | undefined, notice: EntityChangeNotice): boolean {
  if (!filter) return true;
  const ok = (list: readonly string[] | null | undefined, value: string) => !list || list.length === 0 || list.includes(value);
  return (
    ok(filter.urns, notice.urn) &&
    ok(filter.types, notice.type) &&
    ok(filter.sources, notice.source) &&
    ok(filter.operations, notice.operation)
  );
}

/**
 * Fans entity changes out to GraphQL subscribers. One bus consumer per gateway instance
 * reads the entity topics; each change is held until the catalog's consumer group has
 * committed past it (so federated fields resolved for the subscriber already show the
 * change), then pushed to every matching listener. Pushing never waits on a subscriber:
 * slow ones are cut off by their own bounded buffers, so subscribers never slow ingest.
 */
export class EntityChangeHub {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<string, Pending[]>();
  private consumer?: Consumer;
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(private readonly options: EntityChangeHubOptions) {}

  async start(): Promise<void> {
    this.consumer = await this.options.bus.subscribe({
      groupId: this.options.groupId ?? `dictamesh-gateway-${hostname()}-${process.pid}`,
      topics: ENTITY_TOPICS,
      fromBeginning: false,
      eachBatch: async (records) => {
        const deadline = Date.now() + (this.options.maxApplyWaitMs ?? 10_000);
        for (const record of records) {
          const key = `${record.topic}/${record.partition}`;
          const queue = this.pending.get(key) ?? [];
          queue.push({ record, deadline });
          this.pending.set(key, queue);
        }
        this.schedule();
      },
    });
  }

  /**
   * Registers a subscriber of organisation `org` (it gets the changes of that organisation's
   * entities only: CloudEvent `orgid`, else the default organisation); returns its removal.
   */
  listen(org: string, filter: EntityChangeFilter | null | undefined, push: (notice: EntityChangeNotice) => void): () => void {
    const listener: Listener = { org, filter: filter ?? {}, push };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of connected subscribers. */
  get size(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.consumer?.stop();
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer || this.polling) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.release();
    }, this.options.pollMs ?? 25);
  }

  /** Pushes every held change the catalog has applied (or that waited too long). */
  private async release(): Promise<void> {
    this.polling = true;
    try {
      const topics = new Set([...this.pending.keys()].map((key) => key.slice(0, key.lastIndexOf('/'))));
      const applied = new Map<string, Map<number, number>>();
      for (const topic of topics) applied.set(topic, await this.options.bus.committed(this.options.appliedByGroup, topic));
      const now = Date.now();
      for (const [key, queue] of this.pending) {
        const { topic, partition } = queue[0]!.record;
        const done = applied.get(topic)?.get(partition) ?? -1;
        let released = 0;
        while (released < queue.length && (queue[released]!.record.offset < done || queue[released]!.deadline <= now)) {
          this.dispatch(queue[released]!.record);
          released += 1;
        }
        if (released === queue.length) this.pending.delete(key);
        else queue.splice(0, released);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not read the catalog position; retrying');
    } finally {
      this.polling = false;
      if (this.pending.size > 0) this.schedule();
    }
  }

  private dispatch(record: BusRecord): void {
    // The bus checked the data of entity change types against their JSON Schema when the record
    // reached this process; other types on these topics are not entity changes.
    if (!(ENTITY_TOPICS as readonly string[]).includes(record.event.type)) {
      this.options.log.warn(
        { topic: record.topic, offset: record.offset, type: record.event.type },
        'not an entity change; not delivered to subscribers',
      );
      return;
    }
    const change = record.event.data as EntityChange;
    const notice: EntityChangeNotice = {
      eventId: record.event.id,
      operation: change.operation.toUpperCase() as EntityChangeNotice['operation'],
      urn: change.urn,
      type: change.entityType,
      source: change.source,
      occurredAt: change.occurredAt,
      changedAttributes: change.changedAttributes ?? null,
    };
    const org = typeof record.event.orgid === 'string' ? record.event.orgid : DEFAULT_ORG;
    for (const listener of this.listeners) if (listener.org === org && matches(listener.filter, notice)) listener.push(notice);
  }
}
