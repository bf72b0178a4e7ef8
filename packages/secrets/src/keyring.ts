import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { KEY_BYTES, gcmDecrypt, gcmEncrypt } from './aes-gcm';
import { DATA_KEY_TABLES, countDataKeys, replaceWrappedKeys, wrappedDataKeys } from './data-key-tables';
import type { MasterKeyProvider } from './master-key';

/**
 * Contract of envelope encryption: every secret gets its own random 256-bit data key; the value is
 * encrypted with AES-256-GCM (NIST SP 800-38D) under it, with `aad` as additional authenticated
 * data; the data key is wrapped by the ACTIVE key-encryption key (a row of
 * `dictamesh_encryption_keys`), itself wrapped by the master key (`DICTAMESH_MASTER_KEY` or a key
 * file; a {@link MasterKeyProvider}, a KMS later).
 */

/** A sealed value as stored: which key-encryption key wraps its data key, the wrapped data key, and `iv (12) ‖ tag (16) ‖ ciphertext`. */
export interface SealedSecret {
  keyId: string;
  wrappedKey: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

/** Seals and opens secrets (the config subgraph's secret values, adapter secrets). */
export interface SecretSealer {
  /**
   * Encrypts `plaintext` under a fresh data key wrapped by the active key-encryption key.
   * @param aad bound to the ciphertext (the row it belongs to); `open` needs the same
   */
  seal(plaintext: Uint8Array, aad: string): Promise<SealedSecret>;
  /**
   * Decrypts a sealed value.
   * @throws DictaMeshError `SECRET_UNDECRYPTABLE` when its key is unknown or retired, the master key differs, the aad differs or anything was altered
   */
  open(sealed: SealedSecret, aad: string): Promise<Buffer>;
}

/** State of a key-encryption key (the `EncryptionKeyStatus` enum of the Prisma model). */
export type EncryptionKeyStatus = 'ACTIVE' | 'DECRYPT_ONLY' | 'RETIRED';

/** A key-encryption key as listed (never its material). */
export interface EncryptionKeyInfo {
  /** `kek-<version>-<12 hex>`: carried by every data key it wraps. */
  id: string;
  version: number;
  /** Master key provider wrapping it (`local`). */
  provider: string;
  /** The master key's id (a fingerprint for `local`). */
  masterKeyId: string;
  status: EncryptionKeyStatus;
  /** Data keys it wraps now, over {@link DATA_KEY_TABLES}. */
  dataKeys: number;
  createdAt: Date;
  rotatedAt: Date | null;
  retiredAt: Date | null;
}

/** Administration of the key ring (the config subgraph's `encryptionKeys`, `rotateEncryptionKey`, `retireEncryptionKey`). */
export interface KeyManager {
  /** New ACTIVE key-encryption key, every data key re-wrapped with it online; the old ones DECRYPT_ONLY. */
  rotate(): Promise<{ key: EncryptionKeyInfo; rewrapped: number }>;
  /** @throws DictaMeshError `ENCRYPTION_KEY_UNKNOWN`, `ENCRYPTION_KEY_IN_USE` */
  retire(id: string): Promise<EncryptionKeyInfo>;
  /** Every key, newest first, with its data-key count. */
  list(): Promise<EncryptionKeyInfo[]>;
}

/** Options of {@link Keyring.open}. */
export interface KeyringOptions {
  /** Clock of the key rows' timestamps (tests inject one). */
  now?: () => Date;
  /** Rows re-wrapped per transaction by {@link Keyring.rotate} (default 500). */
  batchSize?: number;
}

/** A loaded key-encryption key. */
interface LoadedKey {
  version: number;
  material: Buffer;
}

/** Row of `dictamesh_encryption_keys` as read here. */
interface KeyRow {
  id: string;
  version: number;
  provider: string;
  masterKeyId: string;
  wrappedKey: Uint8Array;
  status: EncryptionKeyStatus;
  createdAt: Date;
  rotatedAt: Date | null;
  retiredAt: Date | null;
}

/** Advisory lock serialising rotations and retirements across processes (`'kek!'`). */
const KEY_RING_LOCK = 0x6b656b21;

/**
 * The key ring of envelope encryption, shared by the config subgraph and the adapter runtime.
 *
 * - A secret is AES-256-GCM encrypted (random 96-bit IV, 128-bit tag, the caller's `aad` bound)
 *   under its own random 256-bit data key. The data key is wrapped by the ACTIVE key-encryption
 *   key (KEK) with AES-256-GCM, the KEK's id as aad (`iv ‖ tag ‖ key`, 60 bytes), so a wrapped key
 *   only unwraps under the KEK id stored next to it. Each KEK is a row of
 *   `dictamesh_encryption_keys` whose material is wrapped by the master key (its id as aad).
 * - KEKs are loaded once by {@link Keyring.open} and kept in memory: `seal`/`open` touch the
 *   database only for a key id this process does not know (a rotation made by another
 *   instance), which is read once; still unknown (or retired) → `SECRET_UNDECRYPTABLE`.
 * - Master-key rotation: `masters[0]` wraps, the others only unwrap; `open` re-wraps with
 *   `masters[0]` the KEKs it finds under another master key, after which the old one can go.
 * - Errors carry key ids and master key fingerprints, never plaintext or key material.
 */
export class Keyring implements SecretSealer, KeyManager {
  private readonly keys = new Map<string, LoadedKey>();
  private readonly reloads = new Map<string, Promise<LoadedKey | null>>();
  private activeId = '';

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly masters: readonly MasterKeyProvider[],
    private readonly now: () => Date,
    private readonly batchSize: number,
  ) {}

  /**
   * Loads the key-encryption keys (creating the first ACTIVE one); masters[0] wraps new ones, the
   * others only unwrap (old master keys: their KEKs are re-wrapped by masters[0] here).
   * @throws DictaMeshError `CONFIGURATION_INVALID` without a master key; `SECRET_UNDECRYPTABLE` when no master key unwraps the ACTIVE key-encryption key
   */
  static async open(prisma: PrismaClient, masters: MasterKeyProvider[], options: KeyringOptions = {}): Promise<Keyring> {
    if (masters.length === 0) throw err('CONFIGURATION_INVALID', 'The key ring needs a master key', { field: 'DICTAMESH_MASTER_KEY' });
    const ring = new Keyring(prisma, [...masters], options.now ?? (() => new Date()), options.batchSize ?? 500);
    await ring.load();
    return ring;
  }

  /** Id of the key-encryption key that wraps new data keys. */
  get activeKeyId(): string {
    return this.activeId;
  }

  /** Encrypts `plaintext` under a fresh data key wrapped by the ACTIVE key-encryption key, `aad` bound. */
  async seal(plaintext: Uint8Array, aad: string): Promise<SealedSecret> {
    const keyId = this.activeId;
    const kek = this.keys.get(keyId)!;
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const ciphertext = gcmEncrypt(dataKey, plaintext, aad);
      const wrappedKey = gcmEncrypt(kek.material, dataKey, keyId);
      return { keyId, wrappedKey: new Uint8Array(wrappedKey), ciphertext: new Uint8Array(ciphertext) };
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Decrypts a sealed value.
   * @throws DictaMeshError `SECRET_UNDECRYPTABLE` when its key is unknown or retired, the master key differs, the aad differs or anything was altered
   */
  async open(sealed: SealedSecret, aad: string): Promise<Buffer> {
    const kek = await this.keyOf(sealed.keyId);
    const dataKey = kek ? gcmDecrypt(kek.material, sealed.wrappedKey, sealed.keyId) : null;
    const plaintext = dataKey ? gcmDecrypt(dataKey, sealed.ciphertext, aad) : null;
    dataKey?.fill(0);
    if (!plaintext)
      throw err(
        'SECRET_UNDECRYPTABLE',
        kek
          ? undefined
          : 'A stored secret cannot be decrypted: its key-encryption key is unknown, retired or wrapped by a missing master key.',
        { keyId: sealed.keyId },
      );
    return plaintext;
  }

  /**
   * Makes a new ACTIVE key-encryption key (the previous ones become DECRYPT_ONLY), then re-wraps
   * every data key of {@link DATA_KEY_TABLES} wrapped by another key with it, online: batches of
   * `batchSize` rows, one UPDATE statement (so one transaction) each; a row changed meanwhile keeps its new value. Data
   * keys no loaded key unwraps are left as they are (they keep their key in use).
   * @returns the new key and how many data keys were re-wrapped
   */
  async rotate(): Promise<{ key: EncryptionKeyInfo; rewrapped: number }> {
    const material = randomBytes(KEY_BYTES);
    const created = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${KEY_RING_LOCK})`;
      const data = await this.newKeyRow(tx, material);
      await tx.encryptionKey.updateMany({ where: { status: 'ACTIVE' }, data: { status: 'DECRYPT_ONLY', rotatedAt: data.createdAt } });
      return tx.encryptionKey.create({ data });
    });
    this.keys.set(created.id, { version: created.version, material });
    this.activeId = created.id;
    const rewrapped = await this.rewrapAll();
    const counts = await countDataKeys(this.prisma, created.id);
    return { key: infoOf(created, counts.get(created.id) ?? 0), rewrapped };
  }

  /**
   * Retires a DECRYPT_ONLY key-encryption key that wraps no data key any more: its wrapped
   * material is erased (crypto-shredding), nothing it wrapped can be opened again. Retiring a
   * RETIRED key returns it unchanged.
   * @throws DictaMeshError `ENCRYPTION_KEY_UNKNOWN`; `ENCRYPTION_KEY_IN_USE` when it is ACTIVE or still wraps data keys (details `dataKeys`)
   */
  async retire(id: string): Promise<EncryptionKeyInfo> {
    const retired = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${KEY_RING_LOCK})`;
      const row = await tx.encryptionKey.findUnique({ where: { id } });
      if (!row) throw err('ENCRYPTION_KEY_UNKNOWN', undefined, { id });
      if (row.status === 'RETIRED') return row;
      if (row.status === 'ACTIVE')
        throw err('ENCRYPTION_KEY_IN_USE', 'The active encryption key cannot be retired; rotate first.', { id, dataKeys: 0 });
      const dataKeys = (await countDataKeys(tx, id)).get(id) ?? 0;
      if (dataKeys > 0) throw err('ENCRYPTION_KEY_IN_USE', undefined, { id, dataKeys });
      return tx.encryptionKey.update({ where: { id }, data: { status: 'RETIRED', retiredAt: this.now(), wrappedKey: new Uint8Array(0) } });
    });
    this.keys.get(id)?.material.fill(0);
    this.keys.delete(id);
    return infoOf(retired, 0);
  }

  /** Every key-encryption key, newest first, with how many data keys each wraps. */
  async list(): Promise<EncryptionKeyInfo[]> {
    const rows = await this.prisma.encryptionKey.findMany({ orderBy: { version: 'desc' } });
    const counts = await countDataKeys(this.prisma);
    return rows.map((row) => infoOf(row, counts.get(row.id) ?? 0));
  }

  /** Loads every key that is not retired, making the first ACTIVE one when there is none, and re-wraps those under an old master key. */
  private async load(): Promise<void> {
    let rows = await this.prisma.encryptionKey.findMany({ where: { status: { not: 'RETIRED' } } });
    if (!rows.some((row) => row.status === 'ACTIVE')) {
      const material = randomBytes(KEY_BYTES);
      // two instances starting on an empty ring: the version is unique, one insert wins, both read it
      await this.prisma.encryptionKey.createMany({ data: [await this.newKeyRow(this.prisma, material)], skipDuplicates: true });
      material.fill(0);
      rows = await this.prisma.encryptionKey.findMany({ where: { status: { not: 'RETIRED' } } });
    }
    for (const row of rows) await this.adopt(row);
    const active = rows.filter((row) => row.status === 'ACTIVE').sort((a, b) => b.version - a.version)[0]!;
    if (!this.keys.has(active.id))
      throw err(
        'SECRET_UNDECRYPTABLE',
        'The active key-encryption key cannot be unwrapped: the master key that wrapped it is not among DICTAMESH_MASTER_KEY',
        { keyId: active.id, masterKeyId: active.masterKeyId },
      );
    this.activeId = active.id;
  }

  /**
   * The row of a new ACTIVE key-encryption key holding `material`: the next version, a fresh id,
   * the material wrapped by `masters[0]` with the id as aad.
   */
  private async newKeyRow(db: Pick<PrismaClient, 'encryptionKey'>, material: Buffer) {
    const last = await db.encryptionKey.aggregate({ _max: { version: true } });
    const version = (last._max.version ?? 0) + 1;
    const id = newKeyId(version);
    const master = this.masters[0]!;
    const wrappedKey = new Uint8Array(await master.wrap(material, id));
    return { id, version, provider: master.provider, masterKeyId: master.id, wrappedKey, status: 'ACTIVE' as const, createdAt: this.now() };
  }

  /**
   * Unwraps a key row with the master key that wrapped it and caches it; re-wraps it with
   * `masters[0]` when another master wrapped it. Leaves out a key no master key unwraps.
   */
  private async adopt(row: KeyRow): Promise<LoadedKey | null> {
    if (row.status === 'RETIRED') return null;
    const master = this.masters.find((candidate) => candidate.id === row.masterKeyId && candidate.provider === row.provider);
    if (!master) return null;
    const material = await master.unwrap(Buffer.from(row.wrappedKey), row.id).catch(() => null);
    if (!material || material.length !== KEY_BYTES) return null;
    const primary = this.masters[0]!;
    if (master !== primary) {
      const wrappedKey = new Uint8Array(await primary.wrap(material, row.id));
      await this.prisma.encryptionKey.updateMany({
        where: { id: row.id, masterKeyId: row.masterKeyId, provider: row.provider },
        data: { masterKeyId: primary.id, provider: primary.provider, wrappedKey },
      });
    }
    const loaded = { version: row.version, material };
    this.keys.set(row.id, loaded);
    return loaded;
  }

  /** The cached key `id`, else read once from the database (a key another instance made); `null` when unknown, retired or not unwrappable. */
  private async keyOf(id: string): Promise<LoadedKey | null> {
    const cached = this.keys.get(id);
    if (cached) return cached;
    let pending = this.reloads.get(id);
    if (!pending) {
      pending = this.reload(id).finally(() => this.reloads.delete(id));
      this.reloads.set(id, pending);
    }
    return pending;
  }

  /** Reads key `id` and adopts it; a newer ACTIVE key (another instance rotated) becomes the one `seal` uses. */
  private async reload(id: string): Promise<LoadedKey | null> {
    const row = await this.prisma.encryptionKey.findUnique({ where: { id } });
    if (!row) return null;
    const loaded = await this.adopt(row);
    if (loaded && row.status === 'ACTIVE' && row.version > (this.keys.get(this.activeId)?.version ?? 0)) this.activeId = row.id;
    return loaded;
  }

  /** Re-wraps every data key not wrapped by the active key, table by table, in batches. */
  private async rewrapAll(): Promise<number> {
    const activeId = this.activeId;
    const active = this.keys.get(activeId)!;
    let rewrapped = 0;
    for (const table of DATA_KEY_TABLES) {
      let afterId = '';
      for (;;) {
        const rows = await wrappedDataKeys(this.prisma, table, activeId, afterId, this.batchSize);
        if (rows.length === 0) break;
        afterId = rows[rows.length - 1]!.id;
        const updates: { row: (typeof rows)[number]; wrappedKey: Uint8Array }[] = [];
        for (const row of rows) {
          const kek = await this.keyOf(row.keyId);
          const dataKey = kek ? gcmDecrypt(kek.material, row.wrappedKey, row.keyId) : null;
          if (!dataKey) continue;
          updates.push({ row, wrappedKey: new Uint8Array(gcmEncrypt(active.material, dataKey, activeId)) });
          dataKey.fill(0);
        }
        rewrapped += await replaceWrappedKeys(this.prisma, table, updates, activeId);
      }
    }
    return rewrapped;
  }
}

/** `kek-<version>-<12 random hex digits>`. */
function newKeyId(version: number): string {
  return `kek-${version}-${randomBytes(6).toString('hex')}`;
}

/** The listed form of a key row. */
function infoOf(row: KeyRow, dataKeys: number): EncryptionKeyInfo {
  return {
    id: row.id,
    version: row.version,
    provider: row.provider,
    masterKeyId: row.masterKeyId,
    status: row.status,
    dataKeys,
    createdAt: row.createdAt,
    rotatedAt: row.rotatedAt,
    retiredAt: row.retiredAt,
  };
}
