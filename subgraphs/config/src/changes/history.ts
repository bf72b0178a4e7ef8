import { Prisma, type PrismaClient } from '@dictamesh/db';
import { configChangeMatches, type ConfigChanged, type ConfigWatch } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { changeOf, type VersionRow } from './change-record';

/** Most changes one `configChanges` page returns. */
export const MAX_CHANGES_PAGE = 1000;

/** One page of the change log for a watch. */
export interface ChangeHistory {
  /** Changes after the revision asked for that reach the watch, oldest first. */
  changes: ConfigChanged[];
  hasMore: boolean;
  /** History after the revision asked for was compacted: re-read and watch from `revision`. */
  compacted: boolean;
  /** The log's current revision (read before the changes). */
  revision: bigint;
}

/** The log's current revision: the highest committed one (0 for an empty log). */
export async function currentRevision(prisma: PrismaClient): Promise<bigint> {
  const [row] = await prisma.$queryRaw<
    { revision: bigint | null }[]
  >`SELECT MAX("revision") AS "revision" FROM "dictamesh_config_versions"`;
  const state = await prisma.configLogState.findUnique({ where: { id: 1 } });
  const max = row?.revision ?? 0n;
  // an empty table after compaction cannot happen (an entry's latest version stays), but never go below it
  return state && state.compactedRevision > max ? state.compactedRevision : max;
}

/**
 * Parses a revision argument (a decimal string of a non-negative 64-bit integer).
 * @throws DictaMeshError `BAD_USER_INPUT`
 */
export function parseRevision(value: string, field: string): bigint {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(value)) throw err('BAD_USER_INPUT', 'A revision is a non-negative integer.', { field });
  return BigInt(value);
}

/**
 * The change log after `afterRevision` that reaches `watch` ({@link configChangeMatches}: the
 * watch's organisation and the platform, the scopes it inherits from and the more specific ones,
 * keys under its prefix), oldest first, at most `first`. The compacted revision is read after the
 * versions, so a concurrent compaction is reported (`compacted`) rather than leaving a gap.
 * Without `afterRevision`: no changes, only the current revision.
 *
 * @param first 1 to {@link MAX_CHANGES_PAGE}
 * @throws DictaMeshError `CONFIG_REVISION_FUTURE` (`details.currentRevision`) when
 *   `afterRevision` is ahead of the log; `BAD_USER_INPUT` for a bad `first`
 */
export async function readChanges(
  prisma: PrismaClient,
  watch: ConfigWatch,
  afterRevision: bigint | null,
  first: number,
): Promise<ChangeHistory> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_CHANGES_PAGE)
    throw err('BAD_USER_INPUT', `first must be between 1 and ${MAX_CHANGES_PAGE}.`, { field: 'first' });
  const revision = await currentRevision(prisma);
  if (afterRevision === null) return { changes: [], hasMore: false, compacted: false, revision };
  if (afterRevision > revision)
    throw err('CONFIG_REVISION_FUTURE', undefined, { afterRevision: afterRevision.toString(), currentRevision: revision.toString() });
  const narrow = (column: string, wanted: string | null | undefined) =>
    wanted ? Prisma.sql`AND ${Prisma.raw(`"${column}"`)} IN ('', ${wanted})` : Prisma.empty;
  const rows = await prisma.$queryRaw<VersionRow[]>`
    SELECT "org_id" AS "orgId", "environment", "service", "component", "key", "version", "revision",
           "operation"::text AS "operation", "kind"::text AS "kind", "value", "has_value" AS "hasValue",
           "rollback_of" AS "rollbackOf", "author", "reason", "request_id" AS "requestId", "created_at" AS "createdAt"
    FROM "dictamesh_config_versions"
    WHERE "revision" > ${afterRevision}
      AND ${watch.platform ? Prisma.sql`"org_id" IS NULL` : Prisma.sql`("org_id" IS NULL OR "org_id" = ${watch.orgId})`}
      ${narrow('environment', watch.environment)} ${narrow('service', watch.service)} ${narrow('component', watch.component)}
      ${watch.prefix ? Prisma.sql`AND starts_with("key", ${watch.prefix})` : Prisma.empty}
    ORDER BY "revision" LIMIT ${first + 1}`;
  const state = await prisma.configLogState.findUnique({ where: { id: 1 } });
  if (state && afterRevision < state.compactedRevision) return { changes: [], hasMore: false, compacted: true, revision };
  const page = rows.slice(0, first).map(changeOf);
  return { changes: page.filter((change) => configChangeMatches(watch, change)), hasMore: rows.length > first, compacted: false, revision };
}
