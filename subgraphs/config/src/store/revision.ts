import type { Db } from './rows';

/**
 * The configuration log's current revision: the last revision written (or compacted up to),
 * 0 for an empty log. Compaction keeps every entry's latest version, so the versions' maximum
 * (an index lookup) is never behind an entry's revision.
 */
export async function currentRevision(db: Db): Promise<bigint> {
  const [row] = await db.$queryRaw<{ revision: bigint }[]>`
    SELECT GREATEST(
      (SELECT COALESCE(MAX("revision"), 0) FROM "dictamesh_config_versions"),
      (SELECT COALESCE(MAX("compacted_revision"), 0) FROM "dictamesh_config_log_state")
    )::bigint AS "revision"`;
  return row?.revision ?? 0n;
}

/** Key of the transaction-scoped advisory lock every configuration write takes (so revisions are given in commit order). */
export const CONFIG_WRITE_LOCK = 0x636f6e66; // 'conf'

/** Takes the configuration write lock for the rest of the transaction (`pg_advisory_xact_lock`). */
export async function lockConfigWrites(tx: Db): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CONFIG_WRITE_LOCK}::bigint)`;
}
