import type { MutationResolvers, OrganizationResolvers, QueryResolvers } from '../__generated__/resolvers-types';
import { isPlatformOperator, maySee, targetOrg } from '../graphql/access';
import { updateOrganization } from '../organizations/organizations';
import { openOrganization } from '../organizations/open';
import { liveSubscriptionLoader } from '../subscriptions/loader';
import { currentUsage } from '../usage/current-usage';
import { listInvoices } from '../invoices/queries';
import { err } from '@dictamesh/runtime';
import { money } from './money';

export const organizationQueries: Pick<QueryResolvers, 'organization'> = {
  organization: async (_, { id }, ctx) => {
    const orgId = id ?? ctx.org;
    if (!maySee(ctx, orgId)) return null;
    return ctx.prisma.organization.findUnique({ where: { id: orgId } });
  },
};

export const organizationMutations: Pick<MutationResolvers, 'createOrganization' | 'updateOrganization'> = {
  createOrganization: (_, { input }, ctx) => openOrganization(ctx.prisma, input, ctx.providers),
  updateOrganization: async (_, { input }, ctx) => {
    const orgId = targetOrg(ctx, input.orgId);
    const operatorOnly = (['status', 'taxJurisdiction', 'paymentProvider'] as const).filter(
      (f) => input[f] !== undefined && input[f] !== null,
    );
    if (operatorOnly.length > 0 && !isPlatformOperator(ctx))
      throw err('FORBIDDEN', `Only the platform operator (dictamesh:platform) changes ${operatorOnly.join(', ')}.`, {
        fields: operatorOnly,
      });
    return updateOrganization(ctx.prisma, ctx.providers, orgId, input);
  },
};

/**
 * `Organization`: a reference resolves only for a caller who may see it (its own organisation,
 * or any for `dictamesh:platform`); for anyone else it is null, so nothing of another tenant leaks.
 */
export const Organization: OrganizationResolvers = {
  __resolveReference: async (ref, ctx) => (maySee(ctx, ref.id) ? ctx.prisma.organization.findUnique({ where: { id: ref.id } }) : null),
  subscription: (org, _, ctx) => liveSubscriptionLoader(ctx).load(org.id),
  plan: async (org, _, ctx) => (await liveSubscriptionLoader(ctx).load(org.id))?.plan ?? null,
  usage: async (org, _, ctx) => {
    const subscription = await liveSubscriptionLoader(ctx).load(org.id);
    return subscription ? currentUsage(ctx.prisma, subscription, ctx.usage, ctx.now()) : [];
  },
  invoices: (org, { first, after }, ctx) => listInvoices(ctx.prisma, org.id, { first: first ?? 20, after: after ?? null }),
  creditBalance: async (org, _, ctx) => {
    const { _sum } = await ctx.prisma.creditGrant.aggregate({
      where: { orgId: org.id, currency: org.currency, OR: [{ expiresAt: null }, { expiresAt: { gt: ctx.now() } }] },
      _sum: { remainingMinor: true },
    });
    return money(_sum.remainingMinor ?? 0n, org.currency);
  },
  credits: (org, _, ctx) => ctx.prisma.creditGrant.findMany({ where: { orgId: org.id }, orderBy: { createdAt: 'desc' }, take: 100 }),
};
