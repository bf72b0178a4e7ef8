import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';

/** Path of the catalog subgraph's SDL (the single source for codegen, composition and serving). */
const CATALOG_SDL_PATH = new URL('../../../schemas/subgraphs/catalog.graphql', import.meta.url);

/** The catalog subgraph schema (Federation 2) with its resolvers. */
export function buildCatalogSchema(): GraphQLSchema {
  const typeDefs = parse(readFileSync(CATALOG_SDL_PATH, 'utf8'));
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]);
}
