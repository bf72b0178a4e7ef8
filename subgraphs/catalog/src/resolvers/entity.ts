import { assertBetween } from '../datasources/pagination';
import type {
  EntityResolvers,
  RelationshipResolvers,
  EntityConnectionResolvers,
  EntityEventResolvers,
  SearchHitResolvers,
} from '../__generated__/resolvers-types';
import type { CatalogContext } from '../context';
import type { Direction, EntityRecord, RelationshipRecord } from '../datasources/records';
import { edgesLoader, entityLoader, eventsLoader } from '../loaders';

const MAX_RELATED = 500;
const MAX_EVENTS = 100;

/** Edges of an entity in one or both directions, optionally of one type (batched by DataLoader). */
async function edges(ctx: CatalogContext, urn: string, direction: Direction | 'BOTH', type?: string | null): Promise<RelationshipRecord[]> {
  const directions: Direction[] = direction === 'BOTH' ? ['OUTGOING', 'INCOMING'] : [direction];
  const lists = await edgesLoader(ctx).loadMany(directions.map((d) => ({ urn, direction: d })));
  const all = lists.flatMap((list) => {
    if (list instanceof Error) throw list;
    return list;
  });
  return type ? all.filter((edge) => edge.relationshipType === type) : all;
}

/** Fields of `Entity` beyond the row's columns. */
export const Entity: EntityResolvers = {
  __resolveReference: (ref, ctx) => entityLoader(ctx).load(ref.urn),
  source: (e) => e.sourceSystem,
  type: (e) => e.entityType,
  attributes: (e) => e.attributes ?? {},
  relationships: (e, { direction, type }, ctx) => edges(ctx, e.urn, direction ?? 'BOTH', type),
  related: async (e, { type, direction, entityType, first }, ctx) => {
    assertBetween(first, 1, MAX_RELATED, 'first');
    const list = await edges(ctx, e.urn, direction, type);
    const urns = [...new Set(list.map((edge) => (edge.direction === 'OUTGOING' ? edge.toUrn : edge.fromUrn)))];
    const entities = await entityLoader(ctx).loadMany(urns);
    return entities
      .filter((x): x is EntityRecord => x !== null && !(x instanceof Error) && !x.deleted)
      .filter((x) => !entityType || x.entityType === entityType)
      .slice(0, first);
  },
  events: (e, { last }, ctx) => {
    assertBetween(last, 1, MAX_EVENTS, 'last');
    return eventsLoader(ctx).load({ urn: e.urn, last });
  },
};

export const Relationship: RelationshipResolvers = {
  type: (r) => r.relationshipType,
  from: (r, _args, ctx) => entityLoader(ctx).load(r.fromUrn),
  to: (r, _args, ctx) => entityLoader(ctx).load(r.toUrn),
  metadata: (r) => r.metadata ?? {},
};

export const EntityEvent: EntityEventResolvers = {
  id: (e) => e.eventId,
  type: (e) => e.eventType,
  operation: (e) => e.operation.toUpperCase() as 'CREATED' | 'UPDATED' | 'DELETED',
};

export const EntityConnection: EntityConnectionResolvers = {
  edges: (c) => c.nodes.map((node) => ({ cursor: c.cursorOf(node), node })),
  pageInfo: (c) => ({ hasNextPage: c.hasNextPage, endCursor: c.nodes.length ? c.cursorOf(c.nodes[c.nodes.length - 1]!) : null }),
  totalCount: (c) => c.totalCount(),
};

export const SearchHit: SearchHitResolvers = {
  score: (h) => 1 - h.distance,
};
