/**
 * @packageDocumentation
 * Envelope encryption of DictaMesh's secrets: a data key per secret (AES-256-GCM), wrapped by a
 * versioned key-encryption key kept in `dictamesh_encryption_keys`, itself wrapped by the master
 * key. Used by the config subgraph (secret values) and the adapter runtime (adapter secrets).
 */
export type { SealedSecret, SecretSealer } from './keyring';
