import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
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
  ...Object.fromEntries(
    [...new Set(parts.flatMap((part) => Object.keys(part)))].map((type) => [
      type,
      Object.assign({}, ...parts.map((part) => (part as Record<string, object | undefined>)[type] ?? {})),
    ]),
  ),
};
