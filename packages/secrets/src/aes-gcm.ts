import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Bytes of the random GCM nonce (96 bits, NIST SP 800-38D §8.2.2). */
export const IV_BYTES = 12;
/** Bytes of the GCM authentication tag (128 bits). */
export const TAG_BYTES = 16;
/** Bytes of an AES-256 key. */
export const KEY_BYTES = 32;

/**
 * AES-256-GCM encryption (NIST SP 800-38D) with a random 96-bit IV and a 128-bit tag, `aad`
 * authenticated but not encrypted.
 * @param key 32 bytes
 * @param aad additional authenticated data (UTF-8); decryption needs the same
 * @returns `iv (12) ‖ tag (16) ‖ ciphertext` (ciphertext as long as the plaintext)
 */
export function gcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/**
 * Decrypts what {@link gcmEncrypt} produced.
 * @returns the plaintext, or `null` when the key or `aad` differ, the input is too short or anything was altered
 *   (callers turn that into their coded error, without the cause: it says nothing useful and must never carry bytes)
 */
export function gcmDecrypt(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer | null {
  if (key.length !== KEY_BYTES || sealed.length < IV_BYTES + TAG_BYTES) return null;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}
