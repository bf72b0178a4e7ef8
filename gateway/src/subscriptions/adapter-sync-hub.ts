import { TOPICS, type AdapterEvent, type BusRecord } from '@dictamesh/events';
import { DEFAULT_ORG } from '@dictamesh/runtime';
import { KeyedHub, type KeyedHubOptions } from './keyed-hub';

/** What an `adapterSyncProgress` subscriber receives: the gateway's `AdapterSyncProgress`, by field name. */
export interface AdapterSyncNotice {
  adapterId: string;
  /** Null for runs recorded before runs had ids. */
  syncId: string | null;
  mode: 'BACKFILL' | 'INCREMENTAL';
  phase: 'STARTED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  resource: string | null;
  pages: number;
  entities: number;
  entitiesTotal: number | null;
  entitiesPerSecond: number | null;
  etaSeconds: number | null;
  /** Since the run started, ms. */
  durationMs: number;
  /** ISO-8601; null for runs recorded before it was kept. */
  startedAt: string | null;
  /** Why the run failed, as the subscriber may read it; null otherwise. */
  error: string | null;
}

/** Options of {@link AdapterSyncHub}. */
export type AdapterSyncHubOptions = KeyedHubOptions;

/** The listeners' key: one organisation's one adapter. */
const adapterKey = (org: string, adapterId: string) => JSON.stringify([org, adapterId]);

/**
 * The notice of an adapter event that carries sync progress (`sync.*` events of runs that report
 * it), or null. `error` is left out: what a subscriber may read of it is decided by the
 * supergraph (`Adapter.lastSync.error`).
 */
export function adapterSyncNoticeOf(event: AdapterEvent): AdapterSyncNotice | null {
  const progress = event.progress;
  if (!progress) return null;
  return {
    adapterId: event.adapterId,
    syncId: progress.syncId,
    mode: event.sync?.mode === 'backfill' ? 'BACKFILL' : 'INCREMENTAL',
    phase: progress.phase.toUpperCase() as AdapterSyncNotice['phase'],
    resource: event.sync?.resource ?? null,
    pages: progress.pages,
    entities: progress.entities,
    entitiesTotal: progress.entitiesTotal,
    entitiesPerSecond: progress.entitiesPerSecond,
    etaSeconds: progress.etaSeconds,
    durationMs: event.sync?.durationMs ?? 0,
    startedAt: progress.startedAt,
    error: null,
  };
}

/**
 * Fans sync progress of source adapters (`dictamesh.adapter.event` with `progress`) out to
 * `adapterSyncProgress` subscribers: one bus consumer per gateway instance (its own group, new
 * records only) pushes each event to the listeners of that adapter in the event's organisation
 * (CloudEvent `orgid`, else the default organisation) and to nobody else. Pushing never waits on
 * a subscriber; slow ones are cut off by their own bounded buffers.
 */
export class AdapterSyncHub extends KeyedHub<AdapterSyncNotice> {
  constructor(options: AdapterSyncHubOptions) {
    super(options, TOPICS.adapterEvent, 'dictamesh-gateway-adapters');
  }

  /** Registers a subscriber of adapter `adapterId` in organisation `org`; returns its removal. */
  listen(org: string, adapterId: string, push: (notice: AdapterSyncNotice) => void): () => void {
    return this.register(adapterKey(org, adapterId), push);
  }

  protected dispatch(record: BusRecord): void {
    // the bus checked the data of this type against its JSON Schema when the record reached this process
    if (record.event.type !== TOPICS.adapterEvent) {
      this.options.log.warn({ topic: record.topic, offset: record.offset, type: record.event.type }, 'not an adapter event; not delivered');
      return;
    }
    const event = record.event.data as AdapterEvent;
    const org = typeof record.event.orgid === 'string' && record.event.orgid ? record.event.orgid : DEFAULT_ORG;
    const set = this.listenersOf(adapterKey(org, event.adapterId));
    if (!set) return;
    const notice = adapterSyncNoticeOf(event);
    if (notice) for (const push of set) push(notice);
  }
}
