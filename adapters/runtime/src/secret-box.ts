import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { err, readOrCreateKeyFile } from '@dictamesh/runtime';

/**
 * Encrypts adapter secrets at rest with AES-256-GCM (NIST SP 800-38D): a random 96-bit IV per
 * value, the 128-bit tag checked on decryption. Stored layout: iv (12) ‖ tag (16) ‖ ciphertext.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /**
   * @param key 32 bytes, base64 (`DICTAMESH_SECRET_KEY`; `openssl rand -base64 32`)
   * @throws DictaMeshError `CONFIGURATION_INVALID` when the key is not 32 bytes
   */
  static fromBase64(key: string): SecretBox {
    const bytes = Buffer.from(key, 'base64');
    if (bytes.length !== 32)
      throw err('CONFIGURATION_INVALID', 'DICTAMESH_SECRET_KEY must be 32 bytes, base64-encoded', { field: 'DICTAMESH_SECRET_KEY' });
    return new SecretBox(bytes);
  }

  /**
   * The embedded default: a key kept in a file (mode 0600) next to the PGlite data, created on
   * first use. Production sets `DICTAMESH_SECRET_KEY` from a secret manager instead.
   */
  static fromKeyFile(path: string): SecretBox {
    return SecretBox.fromBase64(readOrCreateKeyFile(path));
  }

  seal(value: unknown): Uint8Array<ArrayBuffer> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
  }

  /** @throws DictaMeshError `CONFIGURATION_INVALID` when the value was sealed with another key or altered */
  open<T>(sealed: Uint8Array): T {
    const bytes = Buffer.from(sealed);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as T;
    } catch (cause) {
      throw err(
        'CONFIGURATION_INVALID',
        'Adapter secrets cannot be decrypted: DICTAMESH_SECRET_KEY differs from the key they were stored with',
        {},
        cause,
      );
    }
  }
}
