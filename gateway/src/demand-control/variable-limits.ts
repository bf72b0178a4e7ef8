import { httpError } from '../http-error';

/** Bounds of {@link checkVariableLimits}. */
export interface VariableLimits {
  /** Deepest nesting of lists and objects in one variable's value (`{"a": [1]}` is 2). */
  maxDepth: number;
  /** Most values (scalars, lists, objects) in all variables together. */
  maxValues: number;
}

/** Defaults: deep enough for any real input or JSON configuration, far below a stack overflow. */
export const VARIABLE_LIMITS: VariableLimits = { maxDepth: 64, maxValues: 100_000 };

/**
 * Checks the variables of a request against depth and size bounds with an explicit stack (no
 * recursion), before anything walks them recursively — `JSON.stringify`, input coercion, the
 * cost estimator, the subgraph fetch: a value nested 100 000 deep (200 KB of `[`) overflows the
 * call stack of each of those.
 * @param variables the request's `variables` as parsed from JSON (anything else is left to Apollo Server)
 * @throws GraphQLError `BAD_USER_INPUT` (HTTP 400) with `extensions.{limit, variable}` when a bound is exceeded
 */
export function checkVariableLimits(variables: unknown, limits: VariableLimits = VARIABLE_LIMITS): void {
  if (typeof variables !== 'object' || variables === null) return;
  const pending: Array<[value: unknown, depth: number, variable: string]> = [];
  let values = 0;
  const add = (value: unknown, depth: number, variable: string) => {
    if (++values > limits.maxValues) {
      throw httpError('BAD_USER_INPUT', `The variables hold more than ${limits.maxValues} values.`, { limit: limits.maxValues });
    }
    if (typeof value === 'object' && value !== null) pending.push([value, depth, variable]);
  };
  for (const [name, value] of Object.entries(variables)) add(value, 1, name);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth, variable] = next;
    if (depth > limits.maxDepth) {
      const name = variable.length > 64 ? `${variable.slice(0, 64)}…` : variable;
      throw httpError('BAD_USER_INPUT', `Variable "$${name}" is nested deeper than ${limits.maxDepth} levels.`, {
        limit: limits.maxDepth,
        variable: name,
      });
    }
    for (const item of Array.isArray(value) ? value : Object.values(value as object)) add(item, depth + 1, variable);
  }
}
