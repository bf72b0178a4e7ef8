import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import { Keyring, type SealedSecret } from './keyring';
import { LocalMasterKey } from './master-key';

// The key ring on an in-memory PGlite: sealed rows in the three data-key tables, rotation,
// retirement, master-key rotation. SQL statements are counted to show seal/open stay in memory.
let db: Database;
let queries = 0;
let clock = new Date('2026-12-01T00:00:00.000Z');
const now = () => clock;
const master1 = LocalMasterKey.fromBase64(randomBytes(32).toString('base64'));
const master2 = LocalMasterKey.fromBase64(randomBytes(32).toString('base64'));
const SECRET = 'correct-horse-battery-staple-7f3a';

/** The error `run` throws (a DictaMeshError), with what a client or log would see checked for the secret. */
async function failure(run: () => Promise<unknown>): Promise<DictaMeshError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DictaMeshError);
    const shown = JSON.stringify({
      message: (error as Error).message,
      ...(error as DictaMeshError).details,
      stack: (error as Error).stack,
    });
    expect(shown).not.toContain(SECRET);
    return error as DictaMeshError;
  }
  throw new Error('expected a failure');
}

/** A configuration entry holding `sealed` (raw columns as the config store writes them). */
async function storeEntry(ring: Keyring, key: string, plaintext = SECRET): Promise<{ id: string; aad: string }> {
  const id = crypto.randomUUID();
  const aad = `config:${id}`;
  const sealed = await ring.seal(Buffer.from(JSON.stringify(plaintext)), aad);
  await db.prisma.configEntry.create({
    data: { id, key, kind: 'SECRET', hasValue: true, ...sealed, version: 1, revision: 1n, updatedBy: 'test' },
  });
  return { id, aad };
}

/** The stored sealed value of entry `id`. */
async function sealedOf(id: string): Promise<SealedSecret> {
  const row = await db.prisma.configEntry.findUniqueOrThrow({ where: { id } });
  return { keyId: row.keyId!, wrappedKey: row.wrappedKey!, ciphertext: row.ciphertext! };
}

/** Opens entry `id` and parses its JSON. */
async function reveal(ring: Keyring, id: string): Promise<unknown> {
  return JSON.parse((await ring.open(await sealedOf(id), `config:${id}`)).toString('utf8'));
}

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' }, { onQuery: () => void queries++ });
});

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await db.prisma.$executeRawUnsafe(
    'TRUNCATE dictamesh_config_versions, dictamesh_configurations, dictamesh_adapters, dictamesh_encryption_keys CASCADE',
  );
  clock = new Date('2026-12-01T00:00:00.000Z');
});

describe('Keyring', () => {
  it('creates the first ACTIVE key-encryption key, wrapped by the master key, once', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    expect(ring.activeKeyId).toMatch(/^kek-1-[0-9a-f]{12}$/);
    const again = await Keyring.open(db.prisma, [master1], { now });
    expect(again.activeKeyId).toBe(ring.activeKeyId);
    expect(await ring.list()).toEqual([
      {
        id: ring.activeKeyId,
        version: 1,
        provider: 'local',
        masterKeyId: master1.id,
        status: 'ACTIVE',
        dataKeys: 0,
        createdAt: clock,
        rotatedAt: null,
        retiredAt: null,
      },
    ]);
    const row = await db.prisma.encryptionKey.findUniqueOrThrow({ where: { id: ring.activeKeyId } });
    expect(row.wrappedKey.length).toBe(60);
  });

  it('stores no plaintext: neither the ciphertext nor any column of the raw row holds the secret', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    const { id } = await storeEntry(ring, 'db.password');
    const sealed = await sealedOf(id);
    expect(sealed.keyId).toBe(ring.activeKeyId);
    expect(sealed.wrappedKey.length).toBe(60);
    expect(sealed.ciphertext.length).toBe(12 + 16 + JSON.stringify(SECRET).length);
    const secretBytes = Buffer.from(SECRET);
    expect(Buffer.from(sealed.ciphertext).includes(secretBytes)).toBe(false);
    const [raw] = await db.prisma.$queryRawUnsafe<{ row: string }[]>(
      'SELECT t::text AS row FROM dictamesh_configurations t WHERE id = $1::uuid',
      id,
    );
    expect(raw!.row).toContain('db.password');
    expect(raw!.row).not.toContain(SECRET);
    expect(raw!.row).not.toContain(secretBytes.toString('hex'));
    expect(raw!.row).not.toContain(secretBytes.toString('base64'));
    expect(await reveal(ring, id)).toBe(SECRET);
  });

  it('refuses an altered ciphertext, wrapped key, key id or aad with SECRET_UNDECRYPTABLE', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    const { id, aad } = await storeEntry(ring, 'db.password');
    const sealed = await sealedOf(id);
    const flip = (bytes: Uint8Array<ArrayBuffer>, index: number) => {
      const copy = new Uint8Array(bytes);
      copy[index]! ^= 0x80;
      return copy;
    };
    for (const [name, attempt] of [
      ['ciphertext body', { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) }],
      ['ciphertext tag', { ...sealed, ciphertext: flip(sealed.ciphertext, 20) }],
      ['wrapped key', { ...sealed, wrappedKey: flip(sealed.wrappedKey, 40) }],
      ['unknown key id', { ...sealed, keyId: 'kek-9-000000000000' }],
    ] as const) {
      const error = await failure(() => ring.open(attempt, aad));
      expect(error.code, name).toBe('SECRET_UNDECRYPTABLE');
      expect(error.details.keyId, name).toBe(attempt.keyId);
    }
    expect((await failure(() => ring.open(sealed, `config:${crypto.randomUUID()}`))).code).toBe('SECRET_UNDECRYPTABLE');
    expect(await reveal(ring, id)).toBe(SECRET);
  });

  it('seals and opens without touching the database once open', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    const before = queries;
    for (let i = 0; i < 20; i++) {
      const sealed = await ring.seal(Buffer.from(`value-${i}`), `adapter:${i}`);
      expect((await ring.open(sealed, `adapter:${i}`)).toString()).toBe(`value-${i}`);
    }
    expect(queries - before).toBe(0);
  });

  it('rotates: a new ACTIVE key re-wraps every data key of the three tables in batches; old values still open', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now, batchSize: 2 });
    const first = ring.activeKeyId;
    const entries = [];
    for (let i = 0; i < 5; i++) entries.push(await storeEntry(ring, `secret.${i}`, `${SECRET}-${i}`));
    // a version of entry 0 and an adapter's secrets
    const versionSealed = await ring.seal(Buffer.from('"v1"'), entries[0]!.aad);
    await db.prisma.configVersion.create({
      data: {
        entryId: entries[0]!.id,
        environment: '',
        service: '',
        component: '',
        key: 'secret.0',
        version: 1,
        operation: 'SET',
        kind: 'SECRET',
        hasValue: true,
        author: 'test',
        ...versionSealed,
      },
    });
    const adapterSealed = await ring.seal(Buffer.from('{"token":"t"}'), 'adapter:a1');
    await db.prisma.adapterRegistration.create({
      data: {
        id: 'a1',
        kind: 'demo',
        version: '1',
        config: {},
        secrets: adapterSealed.ciphertext,
        secretsWrappedKey: adapterSealed.wrappedKey,
        secretsKeyId: adapterSealed.keyId,
      },
    });
    expect((await ring.list()).map((key) => [key.id, key.dataKeys])).toEqual([[first, 7]]);

    clock = new Date('2026-12-01T01:00:00.000Z');
    const rotation = await ring.rotate();
    expect(rotation.rewrapped).toBe(7);
    expect(rotation.key).toMatchObject({ version: 2, status: 'ACTIVE', dataKeys: 7, masterKeyId: master1.id, createdAt: clock });
    expect(rotation.key.id).toMatch(/^kek-2-[0-9a-f]{12}$/);
    expect(ring.activeKeyId).toBe(rotation.key.id);
    expect((await ring.list()).map((key) => [key.version, key.status, key.dataKeys, key.rotatedAt])).toEqual([
      [2, 'ACTIVE', 7, null],
      [1, 'DECRYPT_ONLY', 0, clock],
    ]);
    for (let i = 0; i < 5; i++) expect(await reveal(ring, entries[i]!.id)).toBe(`${SECRET}-${i}`);
    const version = await db.prisma.configVersion.findFirstOrThrow();
    expect(version.keyId).toBe(rotation.key.id);
    expect(
      (
        await ring.open({ keyId: version.keyId!, wrappedKey: version.wrappedKey!, ciphertext: version.ciphertext! }, entries[0]!.aad)
      ).toString(),
    ).toBe('"v1"');
    const adapter = await db.prisma.adapterRegistration.findUniqueOrThrow({ where: { id: 'a1' } });
    expect(adapter.secretsKeyId).toBe(rotation.key.id);
    expect(
      (
        await ring.open(
          { keyId: adapter.secretsKeyId!, wrappedKey: adapter.secretsWrappedKey!, ciphertext: adapter.secrets! },
          'adapter:a1',
        )
      ).toString(),
    ).toBe('{"token":"t"}');
    // a value sealed before the rotation and kept aside still opens under the DECRYPT_ONLY key
    const old = await ring.seal(Buffer.from('x'), 'y');
    await ring.rotate();
    expect((await ring.open(old, 'y')).toString()).toBe('x');
    // another process opening later reads the same ring
    const other = await Keyring.open(db.prisma, [master1], { now });
    expect(await reveal(other, entries[3]!.id)).toBe(`${SECRET}-3`);
  });

  it('retire: refused for the ACTIVE key and while data keys use it, allowed after a re-wrap; its material is erased', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    const stale = await Keyring.open(db.prisma, [master1], { now }); // another instance, not told of the rotation
    const first = ring.activeKeyId;
    const kept = await ring.seal(Buffer.from(SECRET), 'kept');
    let error = await failure(() => ring.retire(first));
    expect([error.code, error.details]).toEqual(['ENCRYPTION_KEY_IN_USE', { id: first, dataKeys: 0 }]);
    const { key: second } = await ring.rotate();
    const { id } = await storeEntry(stale, 'stale.write'); // sealed by the stale instance with the old key
    expect((await sealedOf(id)).keyId).toBe(first);
    error = await failure(() => ring.retire(first));
    expect([error.code, error.details]).toEqual(['ENCRYPTION_KEY_IN_USE', { id: first, dataKeys: 1 }]);
    expect((await failure(() => ring.retire('kek-404-000000000000'))).code).toBe('ENCRYPTION_KEY_UNKNOWN');

    const { key: third, rewrapped } = await ring.rotate();
    expect(rewrapped).toBe(1);
    clock = new Date('2026-12-02T00:00:00.000Z');
    const retired = await ring.retire(first);
    expect(retired).toMatchObject({ id: first, status: 'RETIRED', dataKeys: 0, retiredAt: clock });
    expect((await ring.retire(first)).status).toBe('RETIRED');
    expect((await db.prisma.encryptionKey.findUniqueOrThrow({ where: { id: first } })).wrappedKey.length).toBe(0);
    expect((await ring.retire(second.id)).status).toBe('RETIRED');
    expect((await ring.list()).map((key) => [key.id, key.status, key.dataKeys])).toEqual([
      [third.id, 'ACTIVE', 1],
      [second.id, 'RETIRED', 0],
      [first, 'RETIRED', 0],
    ]);
    // what a retired key wrapped is gone, here and in a process opening afterwards
    expect((await failure(() => ring.open(kept, 'kept'))).code).toBe('SECRET_UNDECRYPTABLE');
    const later = await Keyring.open(db.prisma, [master1], { now });
    expect((await failure(() => later.open(kept, 'kept'))).code).toBe('SECRET_UNDECRYPTABLE');
    expect(await reveal(later, id)).toBe(SECRET);
  });

  it('a process that did not rotate learns the new key on first sight and seals with it afterwards', async () => {
    const a = await Keyring.open(db.prisma, [master1], { now });
    const b = await Keyring.open(db.prisma, [master1], { now });
    const { key } = await a.rotate();
    const { id } = await storeEntry(a, 'fresh');
    expect(await reveal(b, id)).toBe(SECRET);
    expect(b.activeKeyId).toBe(key.id);
    expect((await b.seal(Buffer.from('z'), 'z')).keyId).toBe(key.id);
  });

  it('master-key rotation: new key first, old second re-wraps the ring; then the old key can go', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    const { id } = await storeEntry(ring, 'db.password');
    await ring.rotate(); // two key-encryption keys under master1
    const both = await Keyring.open(db.prisma, [master2, master1], { now });
    expect(await reveal(both, id)).toBe(SECRET);
    const rows = await db.prisma.encryptionKey.findMany();
    expect(rows.map((row) => row.masterKeyId)).toEqual([master2.id, master2.id]);
    const onlyNew = await Keyring.open(db.prisma, [master2], { now });
    expect(await reveal(onlyNew, id)).toBe(SECRET);
    const rotated = await onlyNew.rotate();
    expect(rotated.key.masterKeyId).toBe(master2.id);
    expect(await reveal(onlyNew, id)).toBe(SECRET);
  });

  it('a wrong master key cannot open the ring: SECRET_UNDECRYPTABLE, naming only key ids and fingerprints', async () => {
    const ring = await Keyring.open(db.prisma, [master1], { now });
    await storeEntry(ring, 'db.password');
    const wrong = LocalMasterKey.fromBase64(randomBytes(32).toString('base64'));
    const error = await failure(() => Keyring.open(db.prisma, [wrong], { now }));
    expect(error.code).toBe('SECRET_UNDECRYPTABLE');
    expect(error.details).toEqual({ keyId: ring.activeKeyId, masterKeyId: master1.id });
    // a stored key row altered under the right master key is refused the same way
    await db.prisma.$executeRawUnsafe(
      'UPDATE dictamesh_encryption_keys SET wrapped_key = set_byte(wrapped_key, 30, get_byte(wrapped_key, 30) # 1)',
    );
    expect((await failure(() => Keyring.open(db.prisma, [master1], { now }))).code).toBe('SECRET_UNDECRYPTABLE');
    expect((await failure(() => Keyring.open(db.prisma, [], { now }))).code).toBe('CONFIGURATION_INVALID');
  });
});
