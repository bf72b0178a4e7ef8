import { hostname } from 'node:os';
import type { BusRecord, Consumer, EventBus } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';

/** Options of a {@link KeyedHub}. */
export interface KeyedHubOptions {
  bus: EventBus;
  log: Logger;
  /** This gateway instance's own consumer group (every instance sees every event). Default `<prefix>-<host>-<pid>`. */
  groupId?: string;
}

/**
 * The fan-out of one topic to subscribers registered under a key (an organisation and what they
 * follow in it): one bus consumer per gateway instance (its own group, new records only) hands
 * each record to {@link dispatch}, which pushes a notice to the listeners of exactly one key
 * ({@link listenersOf}) and to nobody else. Pushing never waits on a subscriber; slow ones are
 * cut off by their own bounded buffers (see subscriber-queue.ts).
 */
export abstract class KeyedHub<Notice> {
  private readonly listeners = new Map<string, Set<(notice: Notice) => void>>();
  private consumer?: Consumer;
  private count = 0;

  /**
   * @param topic the topic consumed
   * @param groupPrefix the default consumer group's prefix (`dictamesh-gateway-<what>`)
   */
  constructor(
    protected readonly options: KeyedHubOptions,
    private readonly topic: string,
    private readonly groupPrefix: string,
  ) {}

  /** Subscribes the hub's consumer (from the newest records). */
  async start(): Promise<void> {
    this.consumer = await this.options.bus.subscribe({
      groupId: this.options.groupId ?? `${this.groupPrefix}-${hostname()}-${process.pid}`,
      topics: [this.topic],
      fromBeginning: false,
      eachBatch: async (records) => {
        for (const record of records) this.dispatch(record);
      },
    });
  }

  /** Number of connected subscribers. */
  get size(): number {
    return this.count;
  }

  /** Stops the consumer and forgets every subscriber. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.listeners.clear();
    this.count = 0;
  }

  /** Pushes the notices of one record to the listeners of its key. */
  protected abstract dispatch(record: BusRecord): void;

  /** Registers `push` under `key`; returns its removal (idempotent). */
  protected register(key: string, push: (notice: Notice) => void): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    // a function may be registered twice (two subscriptions): wrap it so each has its own entry
    const entry = (notice: Notice) => push(notice);
    set.add(entry);
    this.count += 1;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.count -= 1;
      set.delete(entry);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** The listeners registered under `key`, if any. */
  protected listenersOf(key: string): ReadonlySet<(notice: Notice) => void> | undefined {
    return this.listeners.get(key);
  }
}
