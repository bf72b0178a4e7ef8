import type { GraphQLSchema } from 'graphql';
import { loadSubgraphSchema } from '@dictamesh/subgraph-kit';
import { resolvers } from './resolvers';

/** Path of the config subgraph's SDL (the single source for codegen, composition and serving). */
const CONFIG_SDL_PATH = new URL('../../../schemas/subgraphs/config.graphql', import.meta.url);

/** The config subgraph schema (Federation 2) with its resolvers. */
export function buildConfigSchema(): GraphQLSchema {
  return loadSubgraphSchema(CONFIG_SDL_PATH, resolvers);
}
