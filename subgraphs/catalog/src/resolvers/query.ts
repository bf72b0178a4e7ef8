import { parseUrn } from '@dictamesh/events';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { listEntities, searchEntities } from '../datasources/entities';

/** Root fields: `entity`, `entities`, `search`. */
export const Query: QueryResolvers = {
  entity: (_root, { urn }, { loaders }) => {
    parseUrn(urn); // BAD_USER_INPUT on a malformed URN instead of a silent null
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
