import { visit, type DocumentNode } from 'graphql';
import { echoed } from '@dictamesh/runtime';
import { httpError } from '../http-error';

/**
 * Refuses a request whose string inputs hold NUL (U+0000): in a variable's value or object key,
 * or in a string literal of the document (`"\u0000"`). No subgraph could store or compare such a
 * value (PostgreSQL's `text` and `jsonb` refuse NUL), so the gateway refuses it before any
 * subgraph call instead of letting a subgraph fail (issue 11, point 7). Call it after
 * `checkVariableLimits`, which bounds the variables walked here.
 * @param variables the request's `variables` as parsed from JSON
 * @throws GraphQLError `BAD_USER_INPUT` (HTTP 400) naming the variable (`extensions.variable`) or
 *   the argument (`extensions.argument`) that holds NUL
 */
export function assertNoNulCharacters(document: DocumentNode, variables: unknown): void {
  if (typeof variables === 'object' && variables !== null) {
    for (const [name, value] of Object.entries(variables)) {
      if (holdsNul(name) || holdsNul(value)) {
        const variable = echoed(name);
        throw httpError('BAD_USER_INPUT', `Variable "$${variable}" must not contain NUL (U+0000) characters.`, { variable });
      }
    }
  }
  let argument: string | undefined;
  visit(document, {
    Argument: {
      enter(node) {
        argument = node.name.value;
      },
    },
    StringValue(node) {
      if (!node.value.includes('\u0000')) return undefined;
      const where = echoed(argument ?? 'a string literal');
      throw httpError('BAD_USER_INPUT', `Argument "${where}" must not contain NUL (U+0000) characters.`, { argument: where });
    },
  });
}

/** Whether a JSON value holds NUL in a string or key; iterative (a value's depth is bounded before, its size too). */
function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined || pending.length > 0; next = pending.pop()) {
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, item] of Object.entries(next)) {
        if (key.includes('\u0000')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
