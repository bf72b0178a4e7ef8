import type { SqlRunner } from './sql-runner';

/** Readiness of each table: table name → `ok` or why it cannot be read. */
export type TableReadiness = Record<string, 'ok' | string>;

/** DictaMesh's tables in the current schema with their size in blocks (`pg_relation_size` / `block_size`). */
const TABLES = `
  SELECT c.relname AS name, (pg_relation_size(c.oid) / current_setting('block_size')::bigint)::int AS blocks
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname LIKE 'dictamesh\\_%'
  ORDER BY c.relname`;

/**
 * Reads from every DictaMesh table (`dictamesh_*` in the current schema) so that a table whose
 * data file cannot be read makes the service unready: per table, a TID scan of its first and
 * last heap page (`ctid = ANY(...)`, two page reads whatever the table's size). Postgres
 * verifies a page's header when it reads the page from disk and fails the query with
 * `XX001 invalid page in block N of relation …`; a missing or truncated file fails as well.
 * A page damaged in the middle of a large table is found only when a query reaches it, and a
 * page already in shared buffers is not read again.
 *
 * Runs one table at a time (PGlite runs one statement at a time anyway).
 * @returns every table → `ok` or the database's error message; the listing's own failure is
 *   reported under the key `*`
 */
export async function checkTables(runner: Pick<SqlRunner, 'query'>): Promise<TableReadiness> {
  let tables: Array<{ name: string; blocks: number }>;
  try {
    tables = await runner.query<{ name: string; blocks: number }>(TABLES);
  } catch (error) {
    return { '*': messageOf(error) };
  }
  const readiness: TableReadiness = {};
  for (const { name, blocks } of tables) {
    const pages = blocks === 0 ? [] : [...new Set([0, blocks - 1])].map((block) => `(${block},1)`);
    try {
      // the name comes from pg_class and matches dictamesh_[a-z_]*; quoted all the same
      await runner.query(`SELECT 1 FROM "${name.replace(/"/g, '""')}" WHERE ctid = ANY($1::tid[])`, [pages]);
      readiness[name] = 'ok';
    } catch (error) {
      readiness[name] = messageOf(error);
    }
  }
  return readiness;
}

/** The tables of a {@link checkTables} answer that are not `ok`. */
export function failingTables(readiness: TableReadiness): TableReadiness {
  return Object.fromEntries(Object.entries(readiness).filter(([, state]) => state !== 'ok'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
