import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { mergeResolverParts } from '@dictamesh/subgraph-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { auditResolvers } from './audit';
import { changeResolvers } from './changes';
import { entryResolvers } from './entries';
import { flagResolvers } from './flags';
import { keyResolvers } from './keys';
import { scopeResolvers } from './scope';
import { watcherResolvers } from './watchers';

const parts: Resolvers[] = [scopeResolvers, entryResolvers, auditResolvers, keyResolvers, changeResolvers, watcherResolvers, flagResolvers];

/** Every resolver of the config subgraph, merged per type from one file per concern. */
export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  ...mergeResolverParts(parts),
};
