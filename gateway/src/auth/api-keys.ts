import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { err, hashApiKeySecret, parseApiKey, type Principal } from '@dictamesh/runtime';
import { GATEWAY_DEFAULTS } from '../defaults';

/** An API key as stored: never the key itself, only the SHA-256 of its secret part. */
export interface ApiKeyRecord {
  /** Public part of the key (`dmk_<id>_…`). */
  id: string;
  /** Organisation the key acts for. */
  org: string;
  scopes: string[];
  /** Hex SHA-256 of the secret part. */
  secretHash: string;
  revokedAt: Date | null;
}

/**
 * Where API keys are looked up: in a stack, the API key store that owns them (`createApiKeyStore`
 * in @dictamesh/db). Key format and hashing: `generateApiKey` in @dictamesh/runtime.
 */
export interface ApiKeyStore {
  find(id: string): Promise<ApiKeyRecord | null>;
}

/** Does this string look like one of our API keys (so a bearer value is not parsed as a JWT)? */
export function isApiKey(value: string): boolean {
  return value.startsWith('dmk_');
}

/**
 * Verifies API keys against the store: the id selects the record, the secret's SHA-256 must
 * match (constant-time), the key must not be revoked. Records are cached `cacheTtlMs` (default
 * 10 s), so a revocation takes effect within that time on every gateway instance.
 */
export class ApiKeyVerifier {
  private readonly cache: LRUCache<string, { record: ApiKeyRecord | null }>;

  /**
   * @param cacheTtlMs how long a looked-up record is trusted, ms
   * @param now the clock the cache times records with, ms (monotonic; default `performance.now`)
   */
  constructor(
    private readonly store: ApiKeyStore,
    cacheTtlMs: number = GATEWAY_DEFAULTS.apiKeyCacheMs,
    now: () => number = () => performance.now(),
  ) {
    // ttlResolution 0: every age check reads `now` (lru-cache would otherwise reuse a reading for 1 ms of real time)
    this.cache = new LRUCache({ max: 10_000, ttl: cacheTtlMs, ttlResolution: 0, perf: { now } });
  }

  /** @throws DictaMeshError `UNAUTHENTICATED` for a malformed, unknown, wrong or revoked key */
  async verify(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw err('UNAUTHENTICATED', 'Malformed API key.');
    const { id, secret } = parsed;
    let cached = this.cache.get(id);
    if (!cached) {
      cached = { record: await this.store.find(id) };
      this.cache.set(id, cached);
    }
    const record = cached.record;
    const expected = Buffer.from(record?.secretHash ?? '0'.repeat(64), 'hex');
    const matches = timingSafeEqual(expected, Buffer.from(hashApiKeySecret(secret), 'hex'));
    if (!record || !matches) throw err('UNAUTHENTICATED', 'Unknown API key.');
    if (record.revokedAt) throw err('UNAUTHENTICATED', 'This API key was revoked.');
    return { subject: `api-key:${record.id}`, org: record.org, scopes: record.scopes, method: 'api-key' };
  }
}
