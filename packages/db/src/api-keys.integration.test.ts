import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKeySecret, parseApiKey } from '@dictamesh/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyStore, type ApiKeyStore } from './api-keys';
import { openDatabase, type Database } from './database';

const dir = mkdtempSync(join(tmpdir(), 'dictamesh-api-keys-'));
let db: Database;
let keys: ApiKeyStore;
// opening PGlite and applying the migrations takes seconds, more on a busy machine
beforeAll(async () => {
  db = await openDatabase({ dataDir: dir });
  keys = createApiKeyStore(db);
}, 180_000);
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API key store (dictamesh_api_keys)', () => {
  it('stores only the hash of a new key and finds it by the id in the key', async () => {
    const { key, apiKey } = await keys.create({ org: 'acme', name: 'ci', scopes: ['catalog:read'] });
    const parsed = parseApiKey(key);
    expect(parsed?.id).toBe(apiKey.id);
    expect(apiKey).toMatchObject({ org: 'acme', name: 'ci', scopes: ['catalog:read'], revokedAt: null });
    expect(apiKey.secretHash).toBe(hashApiKeySecret(parsed!.secret));
    expect(JSON.stringify(await keys.find(apiKey.id))).not.toContain(parsed!.secret);
    expect(await keys.find(apiKey.id)).toEqual(apiKey);
  });

  it('finds nothing for an unknown id or one that is not a key id', async () => {
    expect(await keys.find('AAAAAAAAAAAA')).toBeNull();
    expect(await keys.find("x' OR 1=1 --")).toBeNull();
    expect(await keys.revoke('AAAAAAAAAAAA')).toBeNull();
  });

  it("lists an organisation's keys newest first, and no other organisation's", async () => {
    const older = await keys.create({ org: 'lister', name: 'one', scopes: [] });
    const newer = await keys.create({ org: 'lister', name: 'two', scopes: ['a', 'b'] });
    await keys.create({ org: 'other', name: 'three', scopes: [] });
    const listed = await keys.list('lister');
    expect(listed.map((k) => k.id).sort()).toEqual([newer.apiKey.id, older.apiKey.id].sort());
    const times = listed.map((k) => k.createdAt.getTime()); // two keys may share a millisecond
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('revokes once: a second revocation keeps the first time', async () => {
    const { apiKey } = await keys.create({ org: 'acme', name: 'revoked', scopes: [] });
    const first = await keys.revoke(apiKey.id);
    expect(first?.revokedAt).toBeInstanceOf(Date);
    expect(await keys.revoke(apiKey.id)).toEqual(first);
    expect((await keys.find(apiKey.id))?.revokedAt).toEqual(first?.revokedAt);
  });
});
