import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { mergeResolverParts } from '@dictamesh/subgraph-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { deliveriesResolvers } from './deliveries';
import { endpointsResolvers } from './endpoints';
import { inboxResolvers } from './inbox';
import { organizationResolvers } from './organization';
import { rulesResolvers } from './rules';
import { sendResolvers } from './send';
import { settingsResolvers } from './settings';
import { templatesResolvers } from './templates';
import { typesResolvers } from './types';

const parts: Resolvers[] = [
  inboxResolvers,
  sendResolvers,
  deliveriesResolvers,
  settingsResolvers,
  typesResolvers,
  templatesResolvers,
  endpointsResolvers,
  rulesResolvers,
  organizationResolvers,
];

/** Every resolver of the notifications subgraph, merged per type from one file per concern. */
export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  ...mergeResolverParts(parts),
};
