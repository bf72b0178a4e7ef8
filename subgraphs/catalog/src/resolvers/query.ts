import { parseUrn } from '@dictamesh/events';
import { echo, err } from '@dictamesh/runtime';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { listEntities, searchEntities } from '../datasources/entities';
import { entityLoader } from '../loaders';

/**
 * @throws DictaMeshError `BAD_USER_INPUT` (field `urn`) on a malformed URN, instead of a silent
 *   null; the message repeats at most 200 characters of it (`parseUrn`'s would repeat it whole)
 */
function assertUrn(urn: string): void {
  try {
    parseUrn(urn);
  } catch {
    throw err('BAD_USER_INPUT', `Not a DictaMesh URN: ${echo(urn)}`, { field: 'urn' });
  }
}

/** Root fields: `entity`, `entities`, `search`. */
export const Query: QueryResolvers = {
  entity: (_root, { urn }, ctx) => {
    assertUrn(urn);
    return entityLoader(ctx).load(urn);
  },
  entities: async (_root, args, ctx) => {
    const page = await listEntities(ctx.prisma, { ...args, org: ctx.org });
    const entities = entityLoader(ctx);
    for (const node of page.nodes) entities.prime(node.urn, node);
    return page;
  },
  search: async (_root, { text, k, filter }, ctx) => {
    const [vector] = await ctx.embedder.embed([text]);
    const hits = await searchEntities(ctx.prisma, { org: ctx.org, vector: vector!, k: k ?? 10, filter: filter ?? null });
    const entities = entityLoader(ctx);
    for (const hit of hits) entities.prime(hit.entity.urn, hit.entity);
    return hits;
  },
};
