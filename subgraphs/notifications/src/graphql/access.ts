import { err, orgOf } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';

/** The platform operator's scope: writes the platform's types and templates. Organisations cannot grant it. */
export const PLATFORM_SCOPE = 'dictamesh:platform';

/** The organisation administrator's scope: passes every `notifications:*` scope of its own organisation. */
const ADMIN_SCOPE = 'dictamesh:admin';

/** What a caller may do, least first: each level passes the ones before it. */
export type NotificationsAccess = 'read' | 'write' | 'admin';

const PASSING: Record<NotificationsAccess, readonly string[]> = {
  read: ['notifications:read', 'notifications:write', 'notifications:admin', ADMIN_SCOPE, PLATFORM_SCOPE],
  write: ['notifications:write', 'notifications:admin', ADMIN_SCOPE, PLATFORM_SCOPE],
  admin: ['notifications:admin', ADMIN_SCOPE, PLATFORM_SCOPE],
};

/** Whether the caller is the platform operator. */
export function isPlatformOperator(ctx: Pick<SubgraphContext, 'principal'>): boolean {
  return ctx.principal.scopes.includes(PLATFORM_SCOPE);
}

/**
 * The caller's organisation (`orgOf`: its own, else `default`, the single-tenant organisation, as
 * in every subgraph), after checking it holds a scope of `access` (the gateway's
 * `@requiresScopes`, checked again here: the subgraph trusts no caller that skipped it).
 * @throws DictaMeshError `FORBIDDEN` without the scope
 */
export function callerOrg(ctx: Pick<SubgraphContext, 'principal'>, access: NotificationsAccess): string {
  const { scopes } = ctx.principal;
  if (!PASSING[access].some((scope) => scopes.includes(scope))) throw err('FORBIDDEN', undefined, { scopes: PASSING[access] });
  return orgOf(ctx.principal);
}

/**
 * Refuses a platform write (`platform: true`) to a caller without {@link PLATFORM_SCOPE}.
 * @throws DictaMeshError `FORBIDDEN`
 */
export function assertPlatformOperator(ctx: Pick<SubgraphContext, 'principal'>): void {
  if (!isPlatformOperator(ctx)) throw err('FORBIDDEN', undefined, { scopes: [PLATFORM_SCOPE] });
}
