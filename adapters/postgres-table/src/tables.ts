import { escapeIdentifier, type Pool } from 'pg';
import { AdapterConfigError, type ConfigProblem } from '@dictamesh/adapter-sdk';
import type { TableConfig } from './config';
import { jsonValue, type Row } from './rows';

/** A configured table checked against the server. */
export interface ResolvedTable {
  config: TableConfig;
  /** `schema.table`, the resource name. */
  name: string;
  /** Quoted for SQL: `"public"."customers"`. */
  qualified: string;
  /** Columns identifying a row: configured, or the primary key. */
  keyColumns: string[];
}

/**
 * Checks that every configured table exists and has key columns (configured or a primary key).
 * @throws AdapterConfigError listing every table that does not
 */
export async function resolveTables(pool: Pool, tables: readonly TableConfig[]): Promise<ResolvedTable[]> {
  const problems: ConfigProblem[] = [];
  const resolved: ResolvedTable[] = [];
  for (const [index, config] of tables.entries()) {
    const qualified = `${escapeIdentifier(config.schema)}.${escapeIdentifier(config.table)}`;
    const { rows } = await pool.query<{ oid: number | null }>('SELECT to_regclass($1)::oid AS oid', [qualified]);
    const oid = rows[0]?.oid;
    if (!oid) {
      problems.push({ path: `tables.${index}.table`, message: `no table ${config.schema}.${config.table} in this database` });
      continue;
    }
    const columns = await pool.query<{ name: string; primary: boolean }>(
      `SELECT a.attname AS name, coalesce(a.attnum = ANY(i.indkey::int2[]), false) AS primary
         FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY array_position(i.indkey::int2[], a.attnum), a.attnum`,
      [oid],
    );
    const known = new Set(columns.rows.map((c) => c.name));
    const keyColumns = config.keyColumns ?? columns.rows.filter((c) => c.primary).map((c) => c.name);
    if (keyColumns.length === 0)
      problems.push({ path: `tables.${index}.keyColumns`, message: `${config.table} has no primary key; name its key columns` });
    const named = [
      ...(config.keyColumns ?? []),
      ...(config.displayNameColumn ? [config.displayNameColumn] : []),
      ...config.relationships.map((r) => r.column),
    ];
    for (const column of named.filter((c) => !known.has(c)))
      problems.push({ path: `tables.${index}`, message: `${config.table} has no column ${column}` });
    resolved.push({ config, name: `${config.schema}.${config.table}`, qualified, keyColumns });
  }
  if (problems.length > 0) throw new AdapterConfigError('postgres-table', problems);
  return resolved;
}

/** A snapshot page: rows in key order, the statement's `now()` and the cursor after the last row. */
export interface SnapshotPage {
  rows: Row[];
  /** ISO-8601; not later than any commit the rows show, so newer WAL changes win over them. */
  readAt: string;
  nextCursor: string | null;
}

const READ_AT = '__dictamesh_read_at';

/**
 * Reads the page of rows after `cursor` by keyset pagination on the key columns (cursor = JSON
 * array of the last row's key values), so pages stay stable while rows change.
 */
export async function snapshotPage(pool: Pool, table: ResolvedTable, cursor: string | null, limit: number): Promise<SnapshotPage> {
  const keys = table.keyColumns.map(escapeIdentifier);
  const after = cursor === null ? [] : (JSON.parse(cursor) as unknown[]).map(String);
  const where = after.length ? `WHERE (${keys.join(', ')}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})` : '';
  const { rows } = await pool.query<Row>(
    `SELECT now() AS ${READ_AT}, t.* FROM ${table.qualified} t ${where} ORDER BY ${keys.join(', ')} LIMIT ${Number(limit)}`,
    after,
  );
  const readAt = rows[0] ? jsonValue(rows[0][READ_AT]) : new Date().toISOString();
  for (const row of rows) delete row[READ_AT];
  const last = rows[rows.length - 1];
  return {
    rows,
    readAt: readAt as string,
    nextCursor: rows.length === limit && last ? JSON.stringify(table.keyColumns.map((k) => jsonValue(last[k]))) : null,
  };
}

/** One row by key values (in key column order), or null. */
export async function rowByKey(pool: Pool, table: ResolvedTable, key: readonly string[]): Promise<Row | null> {
  const where = table.keyColumns.map((k, i) => `${escapeIdentifier(k)} = $${i + 1}`).join(' AND ');
  const { rows } = await pool.query<Row>(`SELECT * FROM ${table.qualified} WHERE ${where}`, [...key]);
  return rows[0] ?? null;
}
