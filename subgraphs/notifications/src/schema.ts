import type { GraphQLSchema } from 'graphql';
import { loadSubgraphSchema } from '@dictamesh/subgraph-kit';
import { resolvers } from './resolvers';

/** Path of the notifications subgraph's SDL (the single source for codegen, composition and serving). */
const NOTIFICATIONS_SDL_PATH = new URL('../../../schemas/subgraphs/notifications.graphql', import.meta.url);

/** The notifications subgraph schema (Federation 2) with its resolvers. */
export function buildNotificationsSchema(): GraphQLSchema {
  return loadSubgraphSchema(NOTIFICATIONS_SDL_PATH, resolvers);
}
