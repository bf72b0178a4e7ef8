import type { GraphQLSchema } from 'graphql';
import { loadSubgraphSchema } from '@dictamesh/subgraph-kit';
import { resolvers } from './resolvers';

/** Path of the catalog subgraph's SDL (the single source for codegen, composition and serving). */
const CATALOG_SDL_PATH = new URL('../../../schemas/subgraphs/catalog.graphql', import.meta.url);

/** The catalog subgraph schema (Federation 2) with its resolvers. */
export function buildCatalogSchema(): GraphQLSchema {
  return loadSubgraphSchema(CATALOG_SDL_PATH, resolvers);
}
