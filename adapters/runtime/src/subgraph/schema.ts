import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';

/** Path of the adapters subgraph's SDL (the single source for codegen, composition and serving). */
const ADAPTERS_SDL_PATH = new URL('../../../../schemas/subgraphs/adapters.graphql', import.meta.url);

/** The adapters subgraph schema (Federation 2) with its resolvers. */
export function buildAdaptersSchema(): GraphQLSchema {
  const typeDefs = parse(readFileSync(ADAPTERS_SDL_PATH, 'utf8'));
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]);
}
