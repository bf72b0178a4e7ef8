import type { GraphQLSchema } from 'graphql';
import { loadSubgraphSchema } from '@dictamesh/subgraph-kit';
import { resolvers } from './resolvers';

/** Path of the adapters subgraph's SDL (the single source for codegen, composition and serving). */
const ADAPTERS_SDL_PATH = new URL('../../../../schemas/subgraphs/adapters.graphql', import.meta.url);

/** The adapters subgraph schema (Federation 2) with its resolvers. */
export function buildAdaptersSchema(): GraphQLSchema {
  return loadSubgraphSchema(ADAPTERS_SDL_PATH, resolvers);
}
