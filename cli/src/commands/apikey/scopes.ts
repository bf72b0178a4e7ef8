import { CliFailure } from '../../shell/failure';

/**
 * Every scope DictaMesh checks: those of the subgraphs' `@requiresScopes` (schemas/subgraphs/*.graphql,
 * kept in step by `scopes.test.ts`) and those checked in code (`config:secrets:read`).
 * `dictamesh:platform` holds every scope; `dictamesh:admin` every scope of its organisation.
 */
export const SCOPE_CATALOGUE: readonly string[] = [
  'dictamesh:platform',
  'dictamesh:admin',
  'adapters:read',
  'adapters:write',
  'dead-letters:read',
  'dead-letters:write',
  'billing:read',
  'billing:write',
  'config:read',
  'config:write',
  'config:audit:read',
  'config:secrets:read',
  'notifications:read',
  'notifications:write',
  'notifications:admin',
];

/**
 * The scopes of `--scopes` (comma-separated), without duplicates, in order.
 * @throws CliFailure `USAGE` when none is given; `SCOPE_UNKNOWN` naming each scope not in {@link SCOPE_CATALOGUE}
 */
export function parseScopes(text: string): string[] {
  const scopes = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (scopes.length === 0) throw new CliFailure('USAGE', '--scopes needs at least one scope, e.g. dictamesh:admin');
  const unknown = scopes.filter((s) => !SCOPE_CATALOGUE.includes(s));
  if (unknown.length > 0) {
    throw new CliFailure(
      'SCOPE_UNKNOWN',
      `unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${SCOPE_CATALOGUE.join(', ')}`,
    );
  }
  return scopes;
}
