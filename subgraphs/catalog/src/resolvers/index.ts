import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { guardResolvers } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Entity, EntityConnection, EntityEvent, Relationship, SearchHit } from './entity';
import { ApiKey, apiKeyMutations, apiKeyQueries } from './api-keys';
import { DeadLetter, DeadLetterConnection, deadLetterMutations, deadLetterQueries } from './dead-letters';
import { Organization } from './organization';
import { Query } from './query';

/** All resolvers of the catalog subgraph, guarded: arguments holding NUL are refused (the error formatter bounds what errors repeat of the input). */
export const resolvers: Resolvers = guardResolvers<Resolvers>({
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: { ...Query, ...deadLetterQueries, ...apiKeyQueries },
  Mutation: { ...deadLetterMutations, ...apiKeyMutations },
  ApiKey,
  DeadLetter,
  DeadLetterConnection,
  Entity,
  Relationship,
  EntityEvent,
  EntityConnection,
  SearchHit,
  Organization,
});
