import DataLoader from 'dataloader';
import { defineLoader } from '@dictamesh/subgraph-kit';
import type { CatalogContext } from './context';
import { entitiesByUrn } from './datasources/entities';
import { eventsOf, type EventsKey } from './datasources/events';
import { entityCountsOf } from './datasources/organizations';
import type { EntityRecord, EntityTypeCountRecord, EventRecord, RelationshipRecord } from './datasources/records';
import { edgesOf, type EdgeKey } from './datasources/relationships';

// Every loader is made per request (the kit's loader registry) and bound to the request's
// organisation, so its keys are (org, URN): an organisation is the namespace of URNs, and
// another organisation's entity, edges or events of the same URN are never found.

/** Entities by URN (null when the organisation has none of that URN); one query per tick. */
export const entityLoader = defineLoader(
  'entity',
  (ctx: CatalogContext) =>
    new DataLoader<string, EntityRecord | null>((urns) => entitiesByUrn(ctx.prisma, ctx.org, urns), { maxBatchSize: 1000 }),
);

/** Edges of an entity in one direction. */
export const edgesLoader = defineLoader(
  'edges',
  (ctx: CatalogContext) =>
    new DataLoader<EdgeKey, RelationshipRecord[], string>((keys) => edgesOf(ctx.prisma, ctx.org, keys), {
      cacheKeyFn: (k) => `${k.direction}|${k.urn}`,
      maxBatchSize: 1000,
    }),
);

/** The last events of an entity. */
export const eventsLoader = defineLoader(
  'events',
  (ctx: CatalogContext) =>
    new DataLoader<EventsKey, EventRecord[], string>((keys) => eventsOf(ctx.prisma, ctx.org, keys), {
      cacheKeyFn: (k) => `${k.last}|${k.urn}`,
      maxBatchSize: 1000,
    }),
);

/**
 * Entity counts of organisations (per source system and type) by organisation id; one
 * `GROUP BY` query per tick. Resolvers load only the request's own organisation.
 */
export const entityCountsLoader = defineLoader(
  'entityCounts',
  (ctx: CatalogContext) =>
    new DataLoader<string, EntityTypeCountRecord[]>((orgs) => entityCountsOf(ctx.prisma, orgs), { maxBatchSize: 1000 }),
);
