import { err } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';

/** The platform operator's scope (the seller's): every organisation, prices, credits, payments. */
export const BILLING_ADMIN = 'billing:admin';

/** Whether the caller is the platform operator. */
export function isBillingAdmin(ctx: Pick<SubgraphContext, 'principal'>): boolean {
  return ctx.principal.scopes.includes(BILLING_ADMIN);
}

/** Whether the caller may see organisation `orgId`: its own, or any for `billing:admin`. */
export function maySee(ctx: Pick<SubgraphContext, 'principal' | 'org'>, orgId: string): boolean {
  return orgId === ctx.org || isBillingAdmin(ctx);
}

/**
 * The organisation a billing operation acts on: the caller's own when `orgId` is not given;
 * another one only for `billing:admin`.
 * @throws DictaMeshError `FORBIDDEN` when a caller without `billing:admin` names another organisation
 */
export function targetOrg(ctx: Pick<SubgraphContext, 'principal' | 'org'>, orgId?: string | null): string {
  if (orgId === undefined || orgId === null || orgId === ctx.org) return ctx.org;
  if (isBillingAdmin(ctx)) return orgId;
  throw err('FORBIDDEN', 'Only the platform operator (billing:admin) acts on another organisation.', { scope: BILLING_ADMIN });
}

/**
 * Mutations only the platform operator may call: their `@requiresScopes` in
 * `schemas/subgraphs/billing.graphql` is `[["billing:admin"]]` (a test keeps the two equal). The
 * gateway enforces it; the subgraph checks again ({@link adminOnly}), since these move money.
 */
export const ADMIN_MUTATIONS = [
  'createOrganization',
  'createPlan',
  'setTaxRate',
  'addCredits',
  'createInvoice',
  'voidInvoice',
  'markInvoiceUncollectible',
  'recordManualPayment',
  'refundPayment',
] as const;

/**
 * Wraps the {@link ADMIN_MUTATIONS} of a Mutation resolver map so that each refuses a caller
 * without `billing:admin`.
 * @throws DictaMeshError `FORBIDDEN` (from the wrapped resolvers)
 */
export function adminOnly<M extends Record<string, unknown>>(mutations: M): M {
  const guarded: Record<string, unknown> = { ...mutations };
  for (const name of ADMIN_MUTATIONS) {
    const resolve = mutations[name];
    if (typeof resolve !== 'function') continue;
    guarded[name] = (parent: unknown, args: unknown, ctx: SubgraphContext, info: unknown) => {
      if (!isBillingAdmin(ctx)) throw err('FORBIDDEN', `${name} is for the platform operator (billing:admin).`, { scope: BILLING_ADMIN });
      return (resolve as (...a: unknown[]) => unknown)(parent, args, ctx, info);
    };
  }
  return guarded as M;
}
