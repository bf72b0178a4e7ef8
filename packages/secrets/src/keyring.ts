/**
 * Contract of envelope encryption (to be implemented in this package, issue 14): every secret
 * gets its own random 256-bit data key; the value is encrypted with AES-256-GCM (NIST SP
 * 800-38D) under it, with `aad` as additional authenticated data; the data key is wrapped by the
 * ACTIVE key-encryption key (a row of `dictamesh_encryption_keys`), itself wrapped by the master
 * key (`DICTAMESH_MASTER_KEY` or a key file; a {@link MasterKeyProvider}, a KMS later).
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
