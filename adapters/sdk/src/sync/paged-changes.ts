import type { EntityChange } from '@dictamesh/events';
import type { ChangeBatch, Checkpoint, SyncMode } from '../contracts/adapter';

/** One page of a resource, already turned into entity changes. */
export interface ChangePage {
  changes: Array<{ id: string; change: EntityChange }>;
  /** Cursor of the next page (page number, token, last id…); null after the last page. */
  nextCursor: string | null;
  /** How many records the resource holds, when the source says (a list response's total count). */
  total?: number;
}

/** A resource read page by page (`contacts`, `conversations`). */
export interface PagedResource {
  name: string;
  /**
   * The records carry no source time (their `occurredAt` is the read time): they are published
   * on every run and do not move the watermark. Default false.
   */
  untimed?: boolean;
  /** @param cursor null for the first page */
  fetchPage(cursor: string | null, signal: AbortSignal): Promise<ChangePage>;
}

/**
 * The checkpoint of {@link pagedChanges}: where the run stands (resource + cursor of the next
 * page) and the watermarks, ISO-8601 source times.
 */
export interface PagedCheckpoint extends Checkpoint {
  /** Resource being read; null once the run completed. */
  resource: string | null;
  cursor: string | null;
  /** Newest source time of the last completed run: an incremental run skips changes up to it. */
  since: string | null;
  /** Newest source time seen so far in this run. */
  seen: string | null;
}

/**
 * Reads every resource page by page and yields each page's changes with the checkpoint to
 * resume from (the next page), so a crashed backfill resumes at the page in flight instead of
 * the start. A completed run yields a final batch without changes whose checkpoint has
 * `resource: null` and `since` = the newest source time seen; the next run starts over, and in
 * `incremental` mode skips changes whose `occurredAt` is not newer than `since` (sources
 * without an "updated since" filter are re-read, but unchanged records are not re-published).
 *
 * Each batch carries the run's `total` (changes it will publish) when it is known: a run from
 * the start that reads everything (not a resumed one, not a filtered incremental one) once it
 * reads the last resource and that resource's pages say how many records it holds — the changes
 * of the resources before it plus that count.
 */
export async function* pagedChanges(
  resources: readonly PagedResource[],
  from: Checkpoint | null,
  options: { mode: SyncMode; signal: AbortSignal },
): AsyncGenerator<ChangeBatch> {
  const start = from as PagedCheckpoint | null;
  const resuming = start?.resource != null;
  const since = options.mode === 'incremental' ? (start?.since ?? null) : null;
  let seen = resuming ? (start?.seen ?? null) : null;
  let index = resuming
    ? Math.max(
        0,
        resources.findIndex((r) => r.name === start.resource),
      )
    : 0;
  let cursor = resuming ? start.cursor : null;
  // changes of the resources read before the current one, for the run's total
  let before = 0;
  let total: number | null = null;
  const counted = !resuming && since === null;
  for (; index < resources.length; index += 1, cursor = null) {
    const resource = resources[index]!;
    let yielded = 0;
    do {
      if (options.signal.aborted) return;
      const page = await resource.fetchPage(cursor, options.signal);
      const timed = !resource.untimed;
      const changes = since === null || !timed ? page.changes : page.changes.filter(({ change }) => change.occurredAt > since);
      if (timed) for (const { change } of page.changes) if (seen === null || change.occurredAt > seen) seen = change.occurredAt;
      cursor = page.nextCursor;
      const next = cursor !== null ? resource.name : (resources[index + 1]?.name ?? null);
      if (counted && index === resources.length - 1 && page.total !== undefined && Number.isFinite(page.total))
        total = before + Math.max(0, Math.trunc(page.total));
      yielded += changes.length;
      yield {
        changes,
        resource: resource.name,
        checkpoint: { resource: next, cursor, since: start?.since ?? null, seen } satisfies PagedCheckpoint,
        ...(total !== null ? { total } : {}),
      };
    } while (cursor !== null);
    before += yielded;
  }
  yield {
    changes: [],
    ...(total !== null ? { total } : {}),
    checkpoint: { resource: null, cursor: null, since: seen ?? start?.since ?? null, seen: null } satisfies PagedCheckpoint,
  };
}
