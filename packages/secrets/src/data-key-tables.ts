import { Prisma, type PrismaClient } from '@dictamesh/db';

/** A table whose rows carry a data key wrapped by a key-encryption key. */
export interface DataKeyTable {
  /** SQL table name. */
  table: string;
  /** Column of the wrapped data key (`bytea`). */
  wrappedKey: string;
  /** Column of the key-encryption key id (`text`). */
  keyId: string;
}

/**
 * Every place data keys live: what {@link Keyring.rotate} re-wraps, what {@link Keyring.retire}
 * and {@link Keyring.list} count. A new table holding sealed secrets must be added here.
 */
export const DATA_KEY_TABLES: readonly DataKeyTable[] = Object.freeze([
  { table: 'dictamesh_configurations', wrappedKey: 'wrapped_key', keyId: 'key_id' },
  { table: 'dictamesh_config_versions', wrappedKey: 'wrapped_key', keyId: 'key_id' },
  { table: 'dictamesh_adapters', wrappedKey: 'secrets_wrapped_key', keyId: 'secrets_key_id' },
  { table: 'dictamesh_notification_endpoint_secrets', wrappedKey: 'wrapped_key', keyId: 'key_id' },
]);

/** A row's data key as the re-wrap reads it. */
export interface WrappedDataKey {
  id: string;
  keyId: string;
  wrappedKey: Uint8Array;
}

/** Quoted identifiers of a table's columns (constants of {@link DATA_KEY_TABLES}, never input). */
function sqlOf(table: DataKeyTable) {
  return { table: Prisma.raw(`"${table.table}"`), wrappedKey: Prisma.raw(`"${table.wrappedKey}"`), keyId: Prisma.raw(`"${table.keyId}"`) };
}

/** Data keys per key-encryption key id, summed over every table. */
export async function countDataKeys(prisma: Pick<PrismaClient, '$queryRaw'>, keyId?: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of DATA_KEY_TABLES) {
    const sql = sqlOf(table);
    const filter = keyId === undefined ? Prisma.sql`${sql.keyId} IS NOT NULL` : Prisma.sql`${sql.keyId} = ${keyId}`;
    const rows = await prisma.$queryRaw<{ key_id: string; n: number }[]>`
      SELECT ${sql.keyId} AS key_id, count(*)::int AS n FROM ${sql.table} WHERE ${filter} GROUP BY ${sql.keyId}`;
    for (const row of rows) counts.set(row.key_id, (counts.get(row.key_id) ?? 0) + Number(row.n));
  }
  return counts;
}

/**
 * The next `limit` rows of `table` (by id, after `afterId`) whose data key is wrapped by another
 * key than `activeId` (keyset pagination: rows that cannot be re-wrapped are passed, not re-read).
 */
export async function wrappedDataKeys(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  table: DataKeyTable,
  activeId: string,
  afterId: string,
  limit: number,
): Promise<WrappedDataKey[]> {
  const sql = sqlOf(table);
  return prisma.$queryRaw<WrappedDataKey[]>`
    SELECT id::text AS id, ${sql.keyId} AS "keyId", ${sql.wrappedKey} AS "wrappedKey" FROM ${sql.table}
    WHERE ${sql.keyId} IS NOT NULL AND ${sql.keyId} <> ${activeId} AND ${sql.wrappedKey} IS NOT NULL AND id::text > ${afterId}
    ORDER BY id::text LIMIT ${limit}`;
}

/**
 * Replaces the wrapped data keys of a batch of rows in one statement (atomic), each only if the
 * row still holds the key that was read (a row re-sealed meanwhile keeps its new value).
 * @returns how many rows were updated
 */
export async function replaceWrappedKeys(
  prisma: Pick<PrismaClient, '$executeRaw'>,
  table: DataKeyTable,
  updates: readonly { row: WrappedDataKey; wrappedKey: Uint8Array }[],
  keyId: string,
): Promise<number> {
  if (updates.length === 0) return 0;
  const sql = sqlOf(table);
  const values = Prisma.join(
    updates.map(({ row, wrappedKey }) => Prisma.sql`(${row.id}::text, ${row.keyId}::text, ${row.wrappedKey}::bytea, ${wrappedKey}::bytea)`),
  );
  return prisma.$executeRaw`
    UPDATE ${sql.table} AS t SET ${sql.wrappedKey} = v.new_key, ${sql.keyId} = ${keyId}
    FROM (VALUES ${values}) AS v(id, old_key_id, old_key, new_key)
    WHERE t.id::text = v.id AND t.${sql.keyId} = v.old_key_id AND t.${sql.wrappedKey} = v.old_key`;
}
