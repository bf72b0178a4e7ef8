import { parseUrn, type EntityChange, type EntityOperation } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';

/**
 * What entity changes a rule follows (stored as the rule's `filter` JSON): every part given must
 * match; a list matches when it holds the change's value. At least one part is given.
 */
export interface RuleFilter {
  /** Entity types (`contact`, `conversation`), compared exactly. */
  entityTypes?: string[];
  /** Source systems (`chatwoot`), compared exactly. */
  sources?: string[];
  /** A prefix of the entity URN (`dictamesh:chatwoot:contact:`; see packages/events/src/urn.ts). */
  urnPrefix?: string;
  /** Operations, lower-case as in the events. */
  operations?: EntityOperation[];
}

/** One thing wrong with a rule's input: the field (`filter.entityTypes[2]`) and what is wrong with it. */
export interface RuleProblem {
  field: string;
  problem: string;
}

/** A filter as given (GraphQL `NotificationRuleFilterInput`, or stored JSON): operations in either case. */
export interface RuleFilterInput {
  entityTypes?: readonly unknown[] | null;
  sources?: readonly unknown[] | null;
  urnPrefix?: unknown;
  operations?: readonly unknown[] | null;
}

/** Bounds of a filter. */
export const RULE_FILTER_LIMITS = Object.freeze({
  /** Items of `entityTypes` / `sources`. */
  maxItems: 50,
  /** Characters of one entity type or source. */
  maxItemChars: 100,
  /** Characters of `urnPrefix` (an entity URN is at most 512). */
  maxPrefixChars: 512,
});

const OPERATIONS: readonly EntityOperation[] = ['created', 'updated', 'deleted'];
/** The first segments of an entity URN: `dictamesh:` then the source (packages/events/src/urn.ts). */
const URN_SCHEME = 'dictamesh:';
const SOURCE = /^[a-z0-9][a-z0-9_-]*$/;

function stringList(field: string, value: readonly unknown[] | null | undefined, problems: RuleProblem[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    problems.push({ field, problem: 'must be a list of strings' });
    return undefined;
  }
  if (value.length === 0) return undefined;
  if (value.length > RULE_FILTER_LIMITS.maxItems)
    problems.push({ field, problem: `at most ${RULE_FILTER_LIMITS.maxItems} items (got ${value.length})` });
  value.forEach((item, index) => {
    if (typeof item !== 'string' || item.trim() === '')
      problems.push({ field: `${field}[${index}]`, problem: 'must be a non-empty string' });
    else if (item.length > RULE_FILTER_LIMITS.maxItemChars)
      problems.push({ field: `${field}[${index}]`, problem: `at most ${RULE_FILTER_LIMITS.maxItemChars} characters (got ${item.length})` });
  });
  return [...new Set(value.filter((item): item is string => typeof item === 'string'))];
}

function urnPrefix(value: unknown, problems: RuleProblem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  const field = 'filter.urnPrefix';
  if (typeof value !== 'string') {
    problems.push({ field, problem: 'must be a string' });
    return undefined;
  }
  if (value.length > RULE_FILTER_LIMITS.maxPrefixChars)
    problems.push({ field, problem: `at most ${RULE_FILTER_LIMITS.maxPrefixChars} characters (got ${value.length})` });
  if (/\s/.test(value)) problems.push({ field, problem: 'must not contain whitespace' });
  if (value.startsWith(`urn:${URN_SCHEME}`)) {
    problems.push({ field, problem: 'entity URNs start with `dictamesh:` (no `urn:`), e.g. `dictamesh:chatwoot:contact:`' });
  } else if (!value.startsWith(URN_SCHEME)) {
    problems.push({ field, problem: 'must start with `dictamesh:` (an entity URN is `dictamesh:<source>:[<scope>:]<type>:<id>`)' });
  } else {
    const rest = value.slice(URN_SCHEME.length);
    const end = rest.indexOf(':');
    // the source segment, once the prefix goes that far, must be a source name
    if (end >= 0 && !SOURCE.test(rest.slice(0, end)))
      problems.push({ field, problem: 'its source segment must match `[a-z0-9][a-z0-9_-]*`' });
  }
  return value;
}

function operations(value: readonly unknown[] | null | undefined, problems: RuleProblem[]): EntityOperation[] | undefined {
  if (value === undefined || value === null) return undefined;
  const field = 'filter.operations';
  if (!Array.isArray(value)) {
    problems.push({ field, problem: 'must be a list of operations' });
    return undefined;
  }
  if (value.length === 0) return undefined;
  const found: EntityOperation[] = [];
  value.forEach((item, index) => {
    const op = typeof item === 'string' ? (item.toLowerCase() as EntityOperation) : undefined;
    if (op === undefined || !OPERATIONS.includes(op))
      problems.push({ field: `${field}[${index}]`, problem: `must be one of ${OPERATIONS.map((o) => o.toUpperCase()).join(', ')}` });
    else if (!found.includes(op)) found.push(op);
  });
  return OPERATIONS.filter((op) => found.includes(op));
}

/**
 * Checks a rule filter, listing every problem: `entityTypes` and `sources` are lists of at most
 * 50 non-empty strings of at most 100 characters; `urnPrefix` a prefix of an entity URN
 * (`dictamesh:<source>:…`, at most 512 characters); `operations` a subset of
 * created/updated/deleted (either case); at least one of them is given (an empty list counts as
 * not given). Does not throw.
 * @returns the normalised filter (duplicates dropped, operations lower-case in event order) and the problems
 */
export function checkRuleFilter(input: RuleFilterInput | null | undefined): { filter: RuleFilter; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  if (input === null || input === undefined || typeof input !== 'object' || Array.isArray(input)) {
    return { filter: {}, problems: [{ field: 'filter', problem: 'must be an object' }] };
  }
  const entityTypes = stringList('filter.entityTypes', input.entityTypes, problems);
  const sources = stringList('filter.sources', input.sources, problems);
  const prefix = urnPrefix(input.urnPrefix, problems);
  const ops = operations(input.operations, problems);
  const filter: RuleFilter = {
    ...(entityTypes ? { entityTypes } : {}),
    ...(sources ? { sources } : {}),
    ...(prefix !== undefined ? { urnPrefix: prefix } : {}),
    ...(ops ? { operations: ops } : {}),
  };
  if (entityTypes === undefined && sources === undefined && prefix === undefined && ops === undefined)
    problems.push({ field: 'filter', problem: 'needs at least one of entityTypes, sources, urnPrefix, operations' });
  return { filter, problems };
}

/**
 * Parses a rule filter (see {@link checkRuleFilter} for the rules).
 * @throws DictaMeshError `NOTIFICATION_RULE_INVALID` with `details.problems` ({@link RuleProblem}[]) listing every problem
 */
export function parseRuleFilter(input: RuleFilterInput | null | undefined): RuleFilter {
  const { filter, problems } = checkRuleFilter(input);
  if (problems.length > 0) throw err('NOTIFICATION_RULE_INVALID', undefined, { problems });
  return filter;
}

/**
 * Whether an entity change matches a filter: each part given matches (entity type, source, URN
 * prefix, operation); parts not given match anything.
 * @param operation the change's operation (the event's `operation`)
 */
export function ruleMatches(
  filter: RuleFilter,
  change: Pick<EntityChange, 'urn' | 'source' | 'entityType'>,
  operation: EntityOperation,
): boolean {
  return (
    (filter.entityTypes === undefined || filter.entityTypes.includes(change.entityType)) &&
    (filter.sources === undefined || filter.sources.includes(change.source)) &&
    (filter.urnPrefix === undefined || change.urn.startsWith(filter.urnPrefix)) &&
    (filter.operations === undefined || filter.operations.includes(operation))
  );
}

/**
 * Whether an entity's changes can match a filter, knowing only its URN (`Entity.notificationRules`):
 * the URN prefix matches and, when the URN parses (packages/events/src/urn.ts), its source and
 * type match `sources` and `entityTypes`; an unparsable URN leaves those unchecked. Operations are
 * not checked (any change of the entity may be one the filter follows).
 */
export function ruleMatchesUrn(filter: RuleFilter, urn: string): boolean {
  if (filter.urnPrefix !== undefined && !urn.startsWith(filter.urnPrefix)) return false;
  let parts: { source: string; type: string };
  try {
    parts = parseUrn(urn);
  } catch {
    return true;
  }
  return (
    (filter.entityTypes === undefined || filter.entityTypes.includes(parts.type)) &&
    (filter.sources === undefined || filter.sources.includes(parts.source))
  );
}
