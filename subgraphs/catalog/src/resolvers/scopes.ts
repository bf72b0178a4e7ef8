import { echo, echoed, err, type Principal } from '@dictamesh/runtime';

/** Scope of the principals that administer their organisation; it passes every scope check but {@link PLATFORM_SCOPE}'s. */
export const ADMIN_SCOPE = 'dictamesh:admin';
/** Scope of platform operators, who manage every organisation (and hold every scope). */
export const PLATFORM_SCOPE = 'dictamesh:platform';
/** Most scopes one API key carries. */
export const MAX_KEY_SCOPES = 32;
/** Longest scope, in characters. */
export const MAX_SCOPE_LENGTH = 64;
/** What a scope looks like: `dictamesh:admin`, `adapters:read`, `dead-letters:write`. */
const SCOPE = /^[a-z][a-z0-9:_.-]*$/;
/** Malformed scopes named in one error. */
const NAMED = 5;

/** @throws DictaMeshError `FORBIDDEN` (403) unless the principal has `scope` itself */
export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.includes(scope)) throw err('FORBIDDEN', `This needs the scope ${scope}.`, { scope });
}

/**
 * Whether a principal holds `scope` in the sense of the catalog's authorization policy: it has
 * it, or it has {@link PLATFORM_SCOPE} (every scope), or it has {@link ADMIN_SCOPE} and the scope
 * is not {@link PLATFORM_SCOPE} — every `@requiresScopes` of the catalog SDL lists
 * `["dictamesh:admin"]` as an alternative ("`dictamesh:admin` passes every scope check", docs/gateway-security.md).
 */
export function holdsScope(principal: Principal, scope: string): boolean {
  const has = (s: string) => principal.scopes.includes(s);
  return has(scope) || has(PLATFORM_SCOPE) || (scope !== PLATFORM_SCOPE && has(ADMIN_SCOPE));
}

/**
 * The scopes `principal` may put on a new API key: `requested` without duplicates, in order,
 * when there are at most {@link MAX_KEY_SCOPES}, each 1–{@link MAX_SCOPE_LENGTH} characters of
 * `[a-z][a-z0-9:_.-]*`, and the principal holds every one ({@link holdsScope}) — nobody grants
 * more than it has, so an organisation admin never mints a platform key (issue 11, point 1).
 * @throws DictaMeshError `BAD_USER_INPUT` (field `scopes`; `limit` and `actual` when too many,
 *   `scopes` = the first malformed ones, cut to 200 characters); `FORBIDDEN` (field `scopes`,
 *   `scopes` = every requested scope the principal lacks)
 */
export function grantableScopes(principal: Principal, requested: readonly string[]): string[] {
  if (requested.length > MAX_KEY_SCOPES) {
    throw err('BAD_USER_INPUT', `An API key carries at most ${MAX_KEY_SCOPES} scopes; ${requested.length} were given.`, {
      field: 'scopes',
      limit: MAX_KEY_SCOPES,
      actual: requested.length,
    });
  }
  const malformed = requested.filter((s) => s.length > MAX_SCOPE_LENGTH || !SCOPE.test(s));
  if (malformed.length) {
    const named = malformed.slice(0, NAMED);
    throw err(
      'BAD_USER_INPUT',
      `Scopes are 1–${MAX_SCOPE_LENGTH} characters, a lower-case letter then [a-z0-9:_.-]; not ${named.map(echo).join(', ')}${
        malformed.length > NAMED ? ` and ${malformed.length - NAMED} more` : ''
      }.`,
      { field: 'scopes', scopes: named.map(echoed) },
    );
  }
  const scopes = [...new Set(requested)];
  const lacking = scopes.filter((s) => !holdsScope(principal, s));
  if (lacking.length) {
    throw err('FORBIDDEN', `A key gets only scopes its creator holds; the caller lacks ${lacking.join(', ')}.`, {
      field: 'scopes',
      scopes: lacking,
    });
  }
  return scopes;
}
