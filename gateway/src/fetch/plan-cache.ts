import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

/**
 * The query plan cache of @apollo/gateway (`queryPlannerConfig.cache`): an LRU bounded by the
 * approximate size of the plans (`maxMiB`), counting hits and misses for `/metrics`.
 */
export class PlanCache<V> implements KeyValueCache<V> {
  private readonly lru: InMemoryLRUCache<V>;

  constructor(
    maxMiB: number,
    private readonly observe: (hit: boolean) => void,
  ) {
    this.lru = new InMemoryLRUCache<V>({ maxSize: maxMiB * 1024 * 1024, sizeCalculation: (value) => approximateSize(value) });
  }

  async get(key: string): Promise<V | undefined> {
    const value = await this.lru.get(key);
    this.observe(value !== undefined);
    return value;
  }

  set(key: string, value: V, options?: KeyValueCacheSetOptions): Promise<void> {
    return this.lru.set(key, value, options);
  }

  delete(key: string): Promise<boolean | void> {
    return this.lru.delete(key);
  }

  /** Drops every plan (the gateway calls it when the supergraph changes). */
  clear(): void {
    this.lru.clear();
  }
}

/** Bytes of a value's JSON (plans are plain objects), at least 1. */
function approximateSize(value: unknown): number {
  try {
    return Math.max(1, JSON.stringify(value)?.length ?? 1);
  } catch {
    return 1_024;
  }
}
