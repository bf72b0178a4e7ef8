import type { SyncProgressMessage } from './sync-view';

/** A progress message of adapter `crm` after `pages` pages of 25 entities, 2 s each (tests). */
export const progressMessage = (
  pages: number,
  phase: SyncProgressMessage['phase'],
  total: number | null = 100,
  extra: Partial<SyncProgressMessage> = {},
): SyncProgressMessage => ({
  adapterId: 'crm',
  syncId: 's-1',
  mode: 'BACKFILL',
  phase,
  resource: 'items',
  pages,
  entities: pages * 25,
  entitiesTotal: total,
  entitiesPerSecond: pages ? 12.5 : null,
  etaSeconds: phase === 'COMPLETED' ? 0 : pages && total !== null ? (total - pages * 25) / 12.5 : null,
  durationMs: pages * 2_000,
  error: null,
  ...extra,
});
