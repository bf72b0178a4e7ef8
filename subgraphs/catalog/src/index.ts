export { createCatalogService, type CatalogService, type CatalogServiceOptions } from './service';
export { buildCatalogSchema, CATALOG_SDL_PATH } from './schema';
export { startCatalogIngest, CATALOG_CONSUMER_GROUP } from './ingest/consumer';
export { applyChange, applyChanges, type ApplyResult, type ChangeEnvelope, type ChangeItem } from './ingest/apply-change';
export { HashingEmbedder } from './embeddings/hashing-embedder';
export type { Embedder } from './embeddings/embedder';
export { createLoaders } from './loaders';
