import { err } from '@dictamesh/runtime';

/**
 * Parts of an entity URN `dictamesh:<source>:[<scope>:]<type>:<sourceId>`, e.g.
 * `dictamesh:chatwoot:contact:42` or, for account-scoped sources,
 * `dictamesh:chatwoot:account/1:contact:42` (see ARCHITECTURE.md, "Identity").
 */
export interface UrnParts {
  /** Source system, lower-case: `chatwoot`. */
  source: string;
  /** Optional scope inside the source, `<kind>/<id>`: `account/1`. */
  scope?: string;
  /** Entity type, lower-case snake: `contact`. */
  type: string;
  /** The source's own id of the record. */
  sourceId: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const TYPE = /^[a-z0-9_]+$/;
const SCOPE = /^[a-z0-9_-]+\/[^:\s]+$/;
const ID = /^[^:\s]+$/;

/**
 * Builds an entity URN.
 * @throws DictaMeshError `BAD_USER_INPUT` when a part is empty or holds `:` or whitespace
 */
export function formatUrn(parts: UrnParts): string {
  const { source, scope, type, sourceId } = parts;
  if (!NAME.test(source) || !TYPE.test(type) || !ID.test(sourceId) || (scope !== undefined && !SCOPE.test(scope))) {
    throw err('BAD_USER_INPUT', `Cannot build a URN from ${JSON.stringify(parts)}`, { field: 'urn' });
  }
  return ['dictamesh', source, ...(scope ? [scope] : []), type, sourceId].join(':');
}

/**
 * Parses an entity URN.
 * @throws DictaMeshError `BAD_USER_INPUT` (`field: 'urn'`) when the string is not a DictaMesh URN
 */
export function parseUrn(urn: string): UrnParts {
  const segments = urn.split(':');
  const bad = () => err('BAD_USER_INPUT', `Not a DictaMesh URN: ${JSON.stringify(urn)}`, { field: 'urn' });
  if (segments[0] !== 'dictamesh' || (segments.length !== 4 && segments.length !== 5)) throw bad();
  const [, source, ...rest] = segments as [string, string, ...string[]];
  const scope = rest.length === 3 ? rest.shift() : undefined;
  const [type, sourceId] = rest as [string, string];
  const parts: UrnParts = scope === undefined ? { source, type, sourceId } : { source, scope, type, sourceId };
  if (formatUrn(parts) !== urn) throw bad();
  return parts;
}
