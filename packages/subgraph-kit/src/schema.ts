import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLSchema } from 'graphql';

/**
 * A Federation 2 subgraph schema (`buildSubgraphSchema`) from an SDL file and its resolvers.
 * The SDL file is the single source for codegen, composition and serving
 * (`schemas/subgraphs/<name>.graphql`).
 *
 * @param sdl - path or `file:` URL of the SDL
 * @param resolvers - the subgraph's resolver map (codegen's typed `Resolvers` fit)
 * @throws the file system's error when the file cannot be read; GraphQLError when the SDL does not parse or build
 */
export function loadSubgraphSchema(sdl: string | URL, resolvers: object): GraphQLSchema {
  const typeDefs = parse(readFileSync(sdl, 'utf8'));
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]);
}
