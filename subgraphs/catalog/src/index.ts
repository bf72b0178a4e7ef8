export { CATALOG_DEFAULTS, createCatalogService, type CatalogService, type CatalogServiceOptions } from './service';
export { buildCatalogSchema } from './schema';
export { CATALOG_CONSUMER_GROUP } from './ingest/consumer';
export { DEAD_LETTER_CONSUMER_GROUP } from './ingest/dead-letters';
export { applyChange, applyChanges, type ApplyResult, type ChangeEnvelope, type ChangeItem } from './ingest/apply-change';
export { HashingEmbedder } from './embeddings/hashing-embedder';
export type { Embedder } from './embeddings/embedder';
export {
  startStorageReporter,
  STORAGE_REPORT_SOURCE,
  type StorageReporter,
  type StorageReporterOptions,
  type ReporterTimer,
} from './storage/storage-reporter';
