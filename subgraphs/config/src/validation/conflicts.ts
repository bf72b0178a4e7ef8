import type { ConfigScopeRef } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { chainOf, pathOf, sameScope } from '../scopes/scope';
import { plainValue } from '../store/secret-values';
import type { ConfigValueKind, Db } from '../store/rows';
import { nearestSchema, type SchemaMap } from './effective';
import type { Violation } from './schemas';
import { valueViolations } from './value';

/** A scope whose current value a schema change would break. */
export interface SchemaConflict {
  scope: string;
  violations: Violation[];
}

/**
 * Which current values of `key` would break their effective schema once the schema at `scope`
 * becomes `schema` (null: removed): the values at `scope` and at every more specific scope of
 * the same organisation (the platform scope: of every organisation), each against the schema
 * nearest to it afterwards. `skipSelf`: the value at `scope` itself is being replaced (checked
 * by the caller).
 */
export async function schemaConflicts(
  db: Db,
  secrets: SecretSealer,
  scope: ConfigScopeRef,
  key: string,
  schema: unknown,
  skipSelf: boolean,
): Promise<SchemaConflict[]> {
  const rows = await db.configEntry.findMany({
    where: { key, ...(scope.orgId === null ? {} : { OR: [{ orgId: null }, { orgId: scope.orgId }] }) },
    orderBy: [{ orgId: 'asc' }, { environment: 'asc' }, { service: 'asc' }, { component: 'asc' }],
  });
  const schemas: SchemaMap = new Map(rows.filter((row) => row.jsonSchema !== null).map((row) => [pathOf(row), row.jsonSchema]));
  schemas.set(pathOf(scope), schema);
  const conflicts: SchemaConflict[] = [];
  for (const row of rows) {
    if (!row.hasValue) continue;
    if (skipSelf && sameScope(row, scope)) continue;
    if (!chainOf(row).some((link) => sameScope(link, scope))) continue;
    const effective = nearestSchema(schemas, row);
    if (effective === null) continue;
    const violations = valueViolations(row.kind as ConfigValueKind, await plainValue(secrets, row.id, row), effective);
    if (violations.length > 0) conflicts.push({ scope: pathOf(row), violations });
  }
  return conflicts;
}

/**
 * Refuses a schema change that current values break.
 * @throws DictaMeshError `CONFIG_SCHEMA_CONFLICT` with `details.scopes` (their paths) and `details.conflicts`
 */
export async function assertNoSchemaConflict(
  db: Db,
  secrets: SecretSealer,
  scope: ConfigScopeRef,
  key: string,
  schema: unknown,
  skipSelf: boolean,
): Promise<void> {
  const conflicts = await schemaConflicts(db, secrets, scope, key, schema, skipSelf);
  if (conflicts.length > 0) throw err('CONFIG_SCHEMA_CONFLICT', undefined, { key, scopes: conflicts.map((c) => c.scope), conflicts });
}
