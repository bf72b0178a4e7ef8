import { err } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';

/**
 * The platform operator's scope (DictaMesh's, see SECURITY.md): in billing the seller's —
 * every organisation, prices, credits, payments. Organisation administrators (`dictamesh:admin`)
 * cannot grant it (`createApiKey` gives it only to its holders).
 */
export const PLATFORM_SCOPE = 'dictamesh:platform';

/** Whether the caller is the platform operator. */
export function isPlatformOperator(ctx: Pick<SubgraphContext, 'principal'>): boolean {
  return ctx.principal.scopes.includes(PLATFORM_SCOPE);
}

/** Whether the caller may see organisation `orgId`: its own, or any for the platform operator. */
export function maySee(ctx: Pick<SubgraphContext, 'principal' | 'org'>, orgId: string): boolean {
  return orgId === ctx.org || isPlatformOperator(ctx);
}

/**
 * The organisation a billing operation acts on: the caller's own when `orgId` is not given;
 * another one only for the platform operator.
 * @throws DictaMeshError `FORBIDDEN` when a caller other than the platform operator names another organisation
 */
export function targetOrg(ctx: Pick<SubgraphContext, 'principal' | 'org'>, orgId?: string | null): string {
  if (orgId === undefined || orgId === null || orgId === ctx.org) return ctx.org;
  if (isPlatformOperator(ctx)) return orgId;
  throw err('FORBIDDEN', 'Only the platform operator (dictamesh:platform) acts on another organisation.', { scope: PLATFORM_SCOPE });
}

/**
 * Mutations only the platform operator may call: their `@requiresScopes` in
 * `schemas/subgraphs/billing.graphql` is `[["dictamesh:platform"]]` (a test keeps the two equal).
 * The gateway enforces it; the subgraph checks again ({@link operatorOnly}), since these move money.
 */
export const OPERATOR_MUTATIONS = [
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
 * Wraps the {@link OPERATOR_MUTATIONS} of a Mutation resolver map so that each refuses a caller
 * other than the platform operator.
 * @throws DictaMeshError `FORBIDDEN` (from the wrapped resolvers)
 */
export function operatorOnly<M extends Record<string, unknown>>(mutations: M): M {
  const guarded: Record<string, unknown> = { ...mutations };
  for (const name of OPERATOR_MUTATIONS) {
    const resolve = mutations[name];
    if (typeof resolve !== 'function') continue;
    guarded[name] = (parent: unknown, args: unknown, ctx: SubgraphContext, info: unknown) => {
      if (!isPlatformOperator(ctx))
        throw err('FORBIDDEN', `${name} is for the platform operator (dictamesh:platform).`, { scope: PLATFORM_SCOPE });
      return (resolve as (...a: unknown[]) => unknown)(parent, args, ctx, info);
    };
  }
  return guarded as M;
}
