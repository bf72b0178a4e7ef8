import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { err } from '@dictamesh/runtime';
import type { SealedSecret, SecretSealer } from '@dictamesh/secrets';

/**
 * A {@link SecretSealer} for tests: AES-256-GCM under one in-memory key (no key ring, no data
 * keys), binding the aad as the real one does.
 */
export class TestSealer implements SecretSealer {
  private readonly key = randomBytes(32);
  /** How many values it sealed. */
  sealed = 0;

  /** Seals `plaintext` bound to `aad`. */
  async seal(plaintext: Uint8Array, aad: string): Promise<SealedSecret> {
    this.sealed++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      keyId: 'test-key',
      wrappedKey: new Uint8Array(16),
      ciphertext: new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body])),
    };
  }

  /** Opens a value it sealed with the same aad. */
  async open(sealed: SealedSecret, aad: string): Promise<Buffer> {
    try {
      const data = Buffer.from(sealed.ciphertext);
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12)).setAAD(Buffer.from(aad));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
    } catch (cause) {
      throw err('SECRET_UNDECRYPTABLE', undefined, {}, cause);
    }
  }
}
