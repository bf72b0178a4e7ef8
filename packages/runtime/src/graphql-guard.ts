import { echoed } from './echo';
import { err } from './errors';
import type { GraphQLFieldResolver } from 'graphql';
import { nulPath } from './nul-arguments';

type Resolve = GraphQLFieldResolver<unknown, unknown>;

/**
 * The resolver map with every field resolver guarded at the caller's boundary (issue 11, point 7):
 * arguments holding NUL (U+0000) are refused before the resolver runs (and so before any query)
 * with `BAD_USER_INPUT` naming the argument path (`filter.source`), instead of the database
 * error — an `INTERNAL_SERVER_ERROR` — Postgres raises for NUL in `text` and `jsonb`. What errors
 * repeat of the input is bounded by the service's error formatter (`boundedError`).
 *
 * Scalars and `__resolveReference` (representations come from the gateway) are kept as they are.
 * Every subgraph guards its resolver map with it.
 */
export function guardResolvers<T extends object>(resolvers: T): T {
  const out: Record<string, unknown> = {};
  for (const [typeName, fields] of Object.entries(resolvers)) {
    if (fields === null || typeof fields !== 'object' || Object.getPrototypeOf(fields) !== Object.prototype) {
      out[typeName] = fields; // a scalar (GraphQLScalarType)
      continue;
    }
    out[typeName] = Object.fromEntries(
      Object.entries(fields).map(([field, resolve]) => [
        field,
        typeof resolve === 'function' && !field.startsWith('__') ? guard(resolve as Resolve) : resolve,
      ]),
    );
  }
  return out as T;
}

function guard(resolve: Resolve): Resolve {
  return (source, args, context, info) => {
    // a field called without arguments takes nothing from the caller to refuse or repeat (most
    // calls: every column of every entity), so it runs as it is
    if (!hasKeys(args)) return resolve(source, args, context, info);
    const path = nulPath(args);
    if (path !== null) {
      const field = echoed(path);
      throw err('BAD_USER_INPUT', `${field} must not contain NUL (U+0000) characters`, { field });
    }
    return resolve(source, args, context, info);
  };
}

function hasKeys(args: Record<string, unknown>): boolean {
  for (const key in args) if (Object.hasOwn(args, key)) return true;
  return false;
}
