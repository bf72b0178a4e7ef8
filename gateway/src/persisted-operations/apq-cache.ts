import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { PersistedQueryManifest } from './manifest';

/** Apollo Server prefixes the keys it gives a persisted query cache (`APQ_CACHE_PREFIX`); the store keys by bare id. */
const APOLLO_PREFIX = 'apq:';
const idOf = (key: string) => (key.startsWith(APOLLO_PREFIX) ? key.slice(APOLLO_PREFIX.length) : key);

/**
 * Apollo Server's persisted query store for the gateway: operations of the manifest first
 * (clients may send only their id), then automatic persisted queries (APQ,
 * https://github.com/apollographql/apollo-link-persisted-queries#apollo-engine) registered by
 * clients — on Redis when given, so every gateway instance knows a query registered on one,
 * else in a process LRU bounded by `maxBytes`. With `register: false` (safelist mode) clients
 * cannot register anything: only the manifest answers.
 */
export class PersistedQueryStore implements KeyValueCache<string> {
  private readonly manifest: Map<string, string>;
  private readonly memory: LRUCache<string, string>;

  constructor(
    manifest: PersistedQueryManifest | undefined,
    private readonly options: { register: boolean; redis?: Redis; maxBytes?: number; prefix?: string },
  ) {
    this.manifest = new Map((manifest?.operations ?? []).map((o) => [o.id, o.body]));
    this.memory = new LRUCache({
      maxSize: options.maxBytes ?? 16 * 1024 * 1024,
      sizeCalculation: (value, key) => value.length + key.length,
    });
  }

  /** Whether `id` is an operation of the manifest. */
  isListed(id: string): boolean {
    return this.manifest.has(id);
  }

  /** Number of manifest operations. */
  get listed(): number {
    return this.manifest.size;
  }

  async get(key: string): Promise<string | undefined> {
    key = idOf(key);
    const listed = this.manifest.get(key);
    if (listed !== undefined || !this.options.register) return listed;
    if (!this.options.redis) return this.memory.get(key);
    return (await this.options.redis.get(this.redisKey(key))) ?? undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    key = idOf(key);
    if (!this.options.register || this.manifest.has(key)) return;
    const ttl = options?.ttl ?? null;
    if (!this.options.redis) {
      this.memory.set(key, value, ttl ? { ttl: ttl * 1_000 } : {});
      return;
    }
    if (ttl) await this.options.redis.set(this.redisKey(key), value, 'EX', ttl);
    else await this.options.redis.set(this.redisKey(key), value);
  }

  async delete(key: string): Promise<boolean | void> {
    key = idOf(key);
    this.memory.delete(key);
    await this.options.redis?.del(this.redisKey(key));
  }

  private redisKey(key: string): string {
    return `${this.options.prefix ?? 'dictamesh:apq:'}${key}`;
  }
}
