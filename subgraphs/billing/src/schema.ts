import type { GraphQLSchema } from 'graphql';
import { loadSubgraphSchema } from '@dictamesh/subgraph-kit';
import { resolvers } from './resolvers';

/** Path of the billing subgraph's SDL (the single source for codegen, composition and serving). */
const BILLING_SDL_PATH = new URL('../../../schemas/subgraphs/billing.graphql', import.meta.url);

/** The billing subgraph schema (Federation 2) with its resolvers. */
export function buildBillingSchema(): GraphQLSchema {
  return loadSubgraphSchema(BILLING_SDL_PATH, resolvers);
}
