import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';

/** Versions kept per entry by default (`CONFIG_HISTORY_KEEP_VERSIONS`). */
export const DEFAULT_HISTORY_KEEP_VERSIONS = 100;

/** What one compaction did. */
export interface CompactionResult {
  /** Versions deleted. */
  deleted: number;
  /** The log's compacted revision after it: watchers resuming from below it must re-read. */
  compactedRevision: bigint;
}

/**
 * Compacts the change log: deletes every version of an entry but its newest `keep` (never an
 * entry's latest, never one the relay has not published yet), and raises
 * `dictamesh_config_log_state.compacted_revision` to the highest revision deleted, in the same
 * transaction, so a history read (versions first, then the compacted revision) never misses a
 * change silently: it either sees the versions or is told to re-read.
 *
 * @param keep versions kept per entry, ≥ 1
 * @throws DictaMeshError `BAD_USER_INPUT` when `keep` < 1
 */
export async function compactConfigHistory(prisma: PrismaClient, keep: number): Promise<CompactionResult> {
  if (!Number.isInteger(keep) || keep < 1)
    throw err('BAD_USER_INPUT', 'Keep at least one version per entry.', { field: 'historyKeepVersions' });
  return prisma.$transaction(
    async (tx) => {
      const deleted = await tx.$queryRaw<{ revision: bigint }[]>`
        DELETE FROM "dictamesh_config_versions" AS v
        USING (
          SELECT "id", row_number() OVER (PARTITION BY "entry_id" ORDER BY "version" DESC) AS "rank"
          FROM "dictamesh_config_versions"
        ) AS ranked
        WHERE v."id" = ranked."id" AND ranked."rank" > ${keep} AND v."published_at" IS NOT NULL
        RETURNING v."revision"`;
      const highest = deleted.reduce((max, row) => (row.revision > max ? row.revision : max), 0n);
      const [state] = await tx.$queryRaw<{ compactedRevision: bigint }[]>`
        UPDATE "dictamesh_config_log_state"
        SET "compacted_revision" = GREATEST("compacted_revision", ${highest}), "updated_at" = CURRENT_TIMESTAMP
        WHERE "id" = 1 RETURNING "compacted_revision" AS "compactedRevision"`;
      return { deleted: deleted.length, compactedRevision: state?.compactedRevision ?? highest };
    },
    { timeout: 60_000 },
  );
}
