import { describe, expect, it } from 'vitest';
import type { EntityChange } from '@dictamesh/events';
import type { ChangeBatch } from '../contracts/adapter';
import { pagedChanges, type PagedResource } from './paged-changes';

const change = (id: string): { id: string; change: EntityChange } => ({
  id,
  change: {
    urn: `dictamesh:crm:item:${id}`,
    source: 'crm',
    entityType: 'item',
    sourceId: id,
    domain: 'sales',
    operation: 'updated',
    attributes: {},
    occurredAt: '2026-01-01T00:00:00.000Z',
    relationships: [],
  },
});

/** A resource of `pages` pages of `size` records; its pages say `total` when given. */
const resource = (name: string, pages: number, size: number, total?: number): PagedResource => ({
  name,
  fetchPage: async (cursor) => {
    const page = cursor === null ? 0 : Number(cursor);
    return {
      changes: Array.from({ length: size }, (_, i) => change(`${name}-${page}-${i}`)),
      nextCursor: page + 1 < pages ? String(page + 1) : null,
      ...(total !== undefined ? { total } : {}),
    };
  },
});

async function totals(
  resources: PagedResource[],
  from: Record<string, unknown> | null = null,
  mode: 'backfill' | 'incremental' = 'backfill',
) {
  const seen: Array<number | null> = [];
  for await (const batch of pagedChanges(resources, from, { mode, signal: new AbortController().signal }) as AsyncIterable<ChangeBatch>)
    seen.push(batch.total ?? null);
  return seen;
}

describe('pagedChanges totals', () => {
  it('reports the total of a single resource from its first page on', async () => {
    expect(await totals([resource('items', 3, 2, 6)])).toEqual([6, 6, 6, 6]);
  });

  it('reports the run total once the last resource says its count: the changes before it plus that count', async () => {
    expect(await totals([resource('a', 2, 3), resource('b', 2, 2, 4)])).toEqual([null, null, 10, 10, 10]);
  });

  it('reports no total when the last resource does not say, when resuming, or in a filtered incremental run', async () => {
    expect(await totals([resource('a', 1, 3, 3), resource('b', 1, 2)])).toEqual([null, null, null]);
    expect(await totals([resource('items', 3, 2, 6)], { resource: 'items', cursor: '1', since: null, seen: null })).toEqual([
      null,
      null,
      null,
    ]);
    const since = { resource: null, cursor: null, since: '2025-01-01T00:00:00.000Z', seen: null };
    expect(await totals([resource('items', 2, 2, 4)], since, 'incremental')).toEqual([null, null, null]);
    // an incremental run without a watermark reads (and publishes) everything: the total holds
    expect(await totals([resource('items', 2, 2, 4)], null, 'incremental')).toEqual([4, 4, 4]);
  });
});
