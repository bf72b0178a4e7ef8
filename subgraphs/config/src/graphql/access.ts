import { err } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';

/**
 * The platform operator's scope (see SECURITY.md): in config, the platform scope every
 * organisation inherits (DictaMesh's own settings) and the key ring. Organisation
 * administrators (`dictamesh:admin`) cannot grant it.
 */
export const PLATFORM_SCOPE = 'dictamesh:platform';

/** The organisation administrator's scope: passes every `config:*` scope of its own organisation. */
const ADMIN_SCOPE = 'dictamesh:admin';

/** Reveals secret values (`revealSecrets: true`); every reveal is audited. */
export const SECRETS_READ_SCOPE = 'config:secrets:read';

/** Whether the caller is the platform operator. */
export function isPlatformOperator(ctx: Pick<SubgraphContext, 'principal'>): boolean {
  return ctx.principal.scopes.includes(PLATFORM_SCOPE);
}

/** Whether the caller may read secret values: `config:secrets:read`, its organisation's administrator, or the platform operator. */
export function maySeeSecrets(ctx: Pick<SubgraphContext, 'principal'>): boolean {
  const { scopes } = ctx.principal;
  return scopes.includes(SECRETS_READ_SCOPE) || scopes.includes(ADMIN_SCOPE) || scopes.includes(PLATFORM_SCOPE);
}

/**
 * Refuses a secret reveal to a caller without {@link SECRETS_READ_SCOPE}.
 * @throws DictaMeshError `CONFIG_SECRET_FORBIDDEN`
 */
export function assertMaySeeSecrets(ctx: Pick<SubgraphContext, 'principal'>): void {
  if (!maySeeSecrets(ctx)) throw err('CONFIG_SECRET_FORBIDDEN', undefined, { scope: SECRETS_READ_SCOPE });
}
