import type { OrganizationResolvers } from '../__generated__/resolvers-types';
import { entityCountsLoader } from '../loaders';

/**
 * The catalog's fields of `Organization` (owned by the billing subgraph). Organisation
 * isolation: a reference resolves only when its id is the request's organisation (`ctx.org`);
 * another organisation's is null, so the gateway gets none of its counts. Counts leave deleted
 * entities out and come from one batched `GROUP BY` query per request ({@link entityCountsLoader}).
 */
export const Organization: OrganizationResolvers = {
  __resolveReference: (ref, ctx) => (ref.id === ctx.org ? { id: ref.id } : null),
  entityCount: async (o, _args, ctx) => (await entityCountsLoader(ctx).load(o.id)).reduce((sum, c) => sum + c.count, 0),
  entityCounts: (o, _args, ctx) => entityCountsLoader(ctx).load(o.id),
};
