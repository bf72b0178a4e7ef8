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
