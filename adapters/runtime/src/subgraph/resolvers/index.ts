import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { guardResolvers } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Adapter, adapterMutations, adapterQueries } from './adapters';
import { Organization } from './organization';

/** All resolvers of the adapters subgraph, guarded: arguments holding NUL are refused (the error formatter bounds what errors repeat of the input). */
export const resolvers: Resolvers = guardResolvers<Resolvers>({
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: adapterQueries,
  Mutation: adapterMutations,
  Adapter,
  Organization,
});
