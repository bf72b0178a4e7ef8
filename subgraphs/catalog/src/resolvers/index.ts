import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Entity, EntityConnection, EntityEvent, Relationship, SearchHit } from './entity';
import { Adapter, adapterMutations, adapterQueries } from './adapters';
import { ApiKey, apiKeyMutations, apiKeyQueries } from './api-keys';
import { DeadLetter, DeadLetterConnection, deadLetterMutations, deadLetterQueries } from './dead-letters';
import { guardResolvers } from './guard';
import { Query } from './query';

/** All resolvers of the catalog subgraph, guarded: arguments holding NUL are refused (the error formatter bounds what errors repeat of the input). */
export const resolvers: Resolvers = guardResolvers<Resolvers>({
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: { ...Query, ...deadLetterQueries, ...adapterQueries, ...apiKeyQueries },
  Mutation: { ...deadLetterMutations, ...adapterMutations, ...apiKeyMutations },
  Adapter,
  ApiKey,
  DeadLetter,
  DeadLetterConnection,
  Entity,
  Relationship,
  EntityEvent,
  EntityConnection,
  SearchHit,
});
