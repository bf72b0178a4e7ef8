/**
 * @packageDocumentation
 * Envelope encryption of DictaMesh's secrets: a data key per secret (AES-256-GCM), wrapped by a
 * versioned key-encryption key kept in `dictamesh_encryption_keys`, itself wrapped by the master
 * key. Used by the config subgraph (secret values) and the adapter runtime (adapter secrets).
 */
export {
  Keyring,
  type EncryptionKeyInfo,
  type EncryptionKeyStatus,
  type KeyManager,
  type KeyringOptions,
  type SealedSecret,
  type SecretSealer,
} from './keyring';
export { LocalMasterKey, localMasterKeys, type MasterKeyProvider } from './master-key';
export { DATA_KEY_TABLES, type DataKeyTable } from './data-key-tables';
