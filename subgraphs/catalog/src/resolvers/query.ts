import { parseUrn } from '@dictamesh/events';
import { echo, err } from '@dictamesh/runtime';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { listEntities, searchEntities } from '../datasources/entities';

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
  entity: (_root, { urn }, { loaders }) => {
    assertUrn(urn);
    return loaders.entity.load(urn);
  },
  entities: async (_root, args, { prisma, loaders, org }) => {
    const page = await listEntities(prisma, { ...args, org });
    for (const node of page.nodes) loaders.entity.prime(node.urn, node);
    return page;
  },
  search: async (_root, { text, k, filter }, { prisma, embedder, loaders, org }) => {
    const [vector] = await embedder.embed([text]);
    const hits = await searchEntities(prisma, { org, vector: vector!, k: k ?? 10, filter: filter ?? null });
    for (const hit of hits) loaders.entity.prime(hit.entity.urn, hit.entity);
    return hits;
  },
};
