import type { OrganizationResolvers } from '../__generated__/resolvers-types';
import { adaptersOf } from './adapters';

/**
 * The adapters subgraph's fields of `Organization` (owned by the billing subgraph).
 * Organisation isolation: a reference resolves only when its id is the request's organisation
 * (`ctx.org`); another organisation's is null, so the gateway gets none of its adapters. The
 * adapters are those of `Query.adapters` (same data access), each resolved by `Adapter`'s
 * resolvers (so `config` keeps its `@requiresScopes`).
 */
export const Organization: OrganizationResolvers = {
  __resolveReference: (ref, ctx) => (ref.id === ctx.org ? { id: ref.id } : null),
  adapters: (_o, _args, ctx) => adaptersOf(ctx),
  adapterCount: (_o, { status }, { prisma, org }) =>
    prisma.adapterRegistration.count({ where: { orgId: org, ...(status ? { status } : {}) } }),
};
