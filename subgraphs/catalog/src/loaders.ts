import DataLoader from 'dataloader';
import type { PrismaClient } from '@dictamesh/db';
import { entitiesByUrn } from './datasources/entities';
import { eventsOf, type EventsKey } from './datasources/events';
import type { EntityRecord, EventRecord, RelationshipRecord } from './datasources/records';
import { edgesOf, type EdgeKey } from './datasources/relationships';

/** DataLoaders of one request: every field resolved in one tick shares one query per loader. */
export interface CatalogLoaders {
  entity: DataLoader<string, EntityRecord | null>;
  edges: DataLoader<EdgeKey, RelationshipRecord[], string>;
  events: DataLoader<EventsKey, EventRecord[], string>;
}

/**
 * Fresh loaders for one request of organisation `org` (never share them across requests or
 * organisations: they cache). Every loader is bound to `org`, so its keys are (org, URN): an
 * organisation is the namespace of URNs, and another organisation's entity, edges or events of
 * the same URN are never found.
 */
export function createLoaders(prisma: PrismaClient, org: string): CatalogLoaders {
  return {
    entity: new DataLoader((urns) => entitiesByUrn(prisma, org, urns), { maxBatchSize: 1000 }),
    edges: new DataLoader((keys) => edgesOf(prisma, org, keys), { cacheKeyFn: (k) => `${k.direction}|${k.urn}`, maxBatchSize: 1000 }),
    events: new DataLoader((keys) => eventsOf(prisma, org, keys), { cacheKeyFn: (k) => `${k.last}|${k.urn}`, maxBatchSize: 1000 }),
  };
}
