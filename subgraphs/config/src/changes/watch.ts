import type { ConfigWatch } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import { scopeOf, type ScopeInput } from '../scopes/scope';

/** Longest key prefix of a watch (keys have at most 200 characters). */
const MAX_PREFIX = 200;

/**
 * The watch of a caller: its organisation's (or the platform's, for the platform operator with
 * `platform: true`), narrowed to the scope's environment / service / component and a key prefix.
 * @throws DictaMeshError `FORBIDDEN` (platform without `dictamesh:platform`), `CONFIG_SCOPE_INVALID`,
 *   `BAD_USER_INPUT` (a prefix longer than 200 characters)
 */
export function watchOf(
  ctx: Pick<SubgraphContext, 'principal' | 'org'>,
  input: ScopeInput | null | undefined,
  prefix: string | null | undefined,
): ConfigWatch {
  const scope = scopeOf(ctx, input);
  if (prefix && prefix.length > MAX_PREFIX)
    throw err('BAD_USER_INPUT', `A key prefix has at most ${MAX_PREFIX} characters.`, { field: 'prefix' });
  return {
    orgId: scope.orgId,
    platform: scope.orgId === null,
    environment: scope.environment || null,
    service: scope.service || null,
    component: scope.component || null,
    prefix: prefix || null,
  };
}
