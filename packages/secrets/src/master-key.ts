import { createHmac } from 'node:crypto';
import { err, readOrCreateKeyFile } from '@dictamesh/runtime';
import { KEY_BYTES, gcmDecrypt, gcmEncrypt } from './aes-gcm';

/**
 * The root of envelope encryption: wraps and unwraps key-encryption keys. `LocalMasterKey` keeps
 * the key in the process; a KMS provider (AWS KMS, Vault transit, …) implements the same
 * interface later, its `id` being the KMS key's id.
 */
export interface MasterKeyProvider {
  /** Identifies the key (never the key): stored on every key-encryption key it wraps. */
  readonly id: string;
  /** Provider kind stored with the wrapped keys (`local`). */
  readonly provider: string;
  /**
   * Wraps a key.
   * @param aad context bound to the wrapped bytes (the key-encryption key's id); `unwrap` needs the same
   */
  wrap(key: Buffer, aad?: string): Promise<Buffer>;
  /**
   * Unwraps what `wrap` produced.
   * @throws DictaMeshError `SECRET_UNDECRYPTABLE` when this key did not wrap it, `aad` differs or it was altered
   */
  unwrap(wrapped: Buffer, aad?: string): Promise<Buffer>;
}

/** Context of the master key fingerprint (HMAC message). */
const FINGERPRINT_CONTEXT = 'dictamesh-master-key-id';
/** aad used when a caller passes none. */
const DEFAULT_AAD = 'dictamesh-kek';

/**
 * A master key held in the process: 32 random bytes from `DICTAMESH_MASTER_KEY` (base64) or a key
 * file (mode 0600, created on first use). Keys are wrapped with AES-256-GCM (random 96-bit IV,
 * 128-bit tag; `iv ‖ tag ‖ ciphertext`, 60 bytes for a 32-byte key) with the wrapped key's id as
 * additional authenticated data, so a wrapped key cannot be moved to another row.
 */
export class LocalMasterKey implements MasterKeyProvider {
  readonly provider = 'local';
  /** First 16 hex digits of HMAC-SHA256(key, `dictamesh-master-key-id`): tells keys apart, reveals nothing of them. */
  readonly id: string;

  private constructor(private readonly key: Buffer) {
    this.id = createHmac('sha256', key).update(FINGERPRINT_CONTEXT).digest('hex').slice(0, 16);
  }

  /**
   * @param b64 32 bytes, base64 (`openssl rand -base64 32`)
   * @throws DictaMeshError `CONFIGURATION_INVALID` when it is not 32 bytes (the message never contains the value)
   */
  static fromBase64(b64: string): LocalMasterKey {
    const bytes = Buffer.from(b64.trim(), 'base64');
    if (bytes.length !== KEY_BYTES)
      throw err('CONFIGURATION_INVALID', 'DICTAMESH_MASTER_KEY must be 32 bytes, base64-encoded', { field: 'DICTAMESH_MASTER_KEY' });
    return new LocalMasterKey(bytes);
  }

  /**
   * The embedded default: the key kept in `path` (mode 0600), created with 32 random bytes on first use.
   * @throws DictaMeshError `CONFIGURATION_INVALID` when the file does not hold a 32-byte base64 key
   */
  static fromKeyFile(path: string): LocalMasterKey {
    return LocalMasterKey.fromBase64(readOrCreateKeyFile(path));
  }

  /** Wraps `key` (AES-256-GCM under the master key, `aad` bound). */
  async wrap(key: Buffer, aad: string = DEFAULT_AAD): Promise<Buffer> {
    return gcmEncrypt(this.key, key, aad);
  }

  /** @throws DictaMeshError `SECRET_UNDECRYPTABLE` when another master key wrapped it, `aad` differs or it was altered */
  async unwrap(wrapped: Buffer, aad: string = DEFAULT_AAD): Promise<Buffer> {
    const key = gcmDecrypt(this.key, wrapped, aad);
    if (!key) throw err('SECRET_UNDECRYPTABLE', 'A key-encryption key cannot be unwrapped with this master key', { masterKeyId: this.id });
    return key;
  }
}

/**
 * The master keys of `DICTAMESH_MASTER_KEY`: comma-separated base64 keys, the first wraps, the
 * others only unwrap (master-key rotation: put the new key first, the old one after it, restart;
 * once the key ring re-wrapped its keys, drop the old one). Unset or empty: the key file `keyFile`.
 * @throws DictaMeshError `CONFIGURATION_INVALID` when an entry is not a 32-byte base64 key
 */
export function localMasterKeys(value: string | undefined, keyFile: string): LocalMasterKey[] {
  const keys = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return keys.length > 0 ? keys.map((key) => LocalMasterKey.fromBase64(key)) : [LocalMasterKey.fromKeyFile(keyFile)];
}
