import { generateApiKey } from '@dictamesh/runtime';
import type { ApiKey, PrismaClient } from '../generated/prisma/client';

/**
 * An API key as `dictamesh_api_keys` keeps it: never the key itself, only the hex SHA-256 of its
 * secret part (key format and hashing: `generateApiKey` in @dictamesh/runtime).
 */
export interface StoredApiKey {
  /** Public part of the key (`dmk_<id>_<secret>`): 12 letters and digits. */
  id: string;
  /** Organisation the key acts for. */
  org: string;
  name: string;
  scopes: string[];
  /** Hex SHA-256 of the secret part. */
  secretHash: string;
  createdAt: Date;
  /** When it was revoked (the first revocation; later ones keep it), else null. */
  revokedAt: Date | null;
}

/**
 * The one owner of `dictamesh_api_keys`: the catalog's API key mutations write through it and
 * gateways verify keys through it (`find`). Nothing else reads or writes the table. Inputs are
 * stored as given: callers check names, organisations and grantable scopes first.
 */
export interface ApiKeyStore {
  /**
   * Creates a key for `org` with these scopes.
   * @returns `key`, the full key (`dmk_<id>_<secret>`: show it once, it is stored only hashed),
   *   and the stored key
   * @throws the database's errors as thrown
   */
  create(input: { org: string; name: string; scopes: string[] }): Promise<{ key: string; apiKey: StoredApiKey }>;
  /** The key with this id, or null when there is none (an `id` that is not 1–64 letters and digits names none). */
  find(id: string): Promise<StoredApiKey | null>;
  /** The organisation's keys, revoked ones included, newest first. */
  list(org: string): Promise<StoredApiKey[]>;
  /**
   * Revokes the key: gateways refuse it once their cached copy expires. Revoking a revoked key
   * changes nothing.
   * @returns the key as now stored, or null when there is no such key
   */
  revoke(id: string): Promise<StoredApiKey | null>;
}

/** An API key id (`generateApiKey`: 12 base62 characters); anything else names no key. */
const KEY_ID = /^[A-Za-z0-9]{1,64}$/;

const stored = (row: ApiKey): StoredApiKey => ({
  id: row.id,
  org: row.orgId,
  name: row.name,
  scopes: row.scopes,
  secretHash: row.secretHash,
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
});

/**
 * The API key store over the database's Prisma client.
 * @param db an open database (`openDatabase`), or anything holding its Prisma client
 */
export function createApiKeyStore(db: { prisma: PrismaClient }): ApiKeyStore {
  const { prisma } = db;
  const find = async (id: string) => {
    const row = KEY_ID.test(id) ? await prisma.apiKey.findUnique({ where: { id } }) : null;
    return row && stored(row);
  };
  return {
    async create({ org, name, scopes }) {
      const { id, key, secretHash } = generateApiKey();
      const row = await prisma.apiKey.create({ data: { id, orgId: org, name, scopes, secretHash } });
      return { key, apiKey: stored(row) };
    },
    find,
    async list(org) {
      const rows = await prisma.apiKey.findMany({ where: { orgId: org }, orderBy: { createdAt: 'desc' } });
      return rows.map(stored);
    },
    async revoke(id) {
      const found = await find(id);
      if (!found || found.revokedAt) return found;
      return stored(await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } }));
    },
  };
}
