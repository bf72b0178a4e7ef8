import type { ConfigScopeRef } from '@dictamesh/events';
import { chainOf, pathOf } from '../scopes/scope';
import { whereScope, type Db } from '../store/rows';

/** Where a key's schema is set: its scope's path → the schema (a stored `jsonSchema`). */
export type SchemaMap = Map<string, unknown>;

/**
 * The schema values of `key` at `scope` must satisfy: the nearest one set on the scope's
 * inheritance chain ({@link chainOf}), the scope itself first; null when none is.
 */
export function nearestSchema(schemas: SchemaMap, scope: ConfigScopeRef): unknown {
  const chain = chainOf(scope);
  for (let i = chain.length - 1; i >= 0; i--) {
    const schema = schemas.get(pathOf(chain[i]!));
    if (schema !== undefined && schema !== null) return schema;
  }
  return null;
}

/** The schemas of `key` set on `scope`'s inheritance chain, by scope path. */
export async function chainSchemas(db: Db, scope: ConfigScopeRef, key: string): Promise<SchemaMap> {
  const rows = await db.configEntry.findMany({
    where: { key, OR: chainOf(scope).map(whereScope) },
    select: { orgId: true, environment: true, service: true, component: true, jsonSchema: true },
  });
  return new Map(rows.filter((row) => row.jsonSchema !== null).map((row) => [pathOf(row), row.jsonSchema]));
}

/** The effective schema of `key` at `scope` (see {@link nearestSchema}), read from the database. */
export async function effectiveSchema(db: Db, scope: ConfigScopeRef, key: string): Promise<unknown> {
  return nearestSchema(await chainSchemas(db, scope, key), scope);
}
