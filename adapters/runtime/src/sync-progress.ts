import type { SyncMode } from '@dictamesh/adapter-sdk';
import type { AdapterSyncPhase } from '@dictamesh/events';
import { etaSeconds, RateMeter, RATE_WINDOW_MS } from './sync-rate';

/** Least time between two progress reports of one running sync, ms (terminal reports are never held back). */
export const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Where one sync run stands: what `Adapter.lastSync` stores and what its `sync.*` events carry.
 * Counts are of this run; times in ms or ISO-8601.
 */
export interface SyncProgressState {
  /** Id of the run (a UUID). */
  syncId: string;
  mode: SyncMode;
  phase: AdapterSyncPhase;
  /** Resource of the latest page; null before the first. */
  resource: string | null;
  pages: number;
  entities: number;
  /** Entities the run publishes in all, when the source says; else null. */
  entitiesTotal: number | null;
  /** Over the last {@link RATE_WINDOW_MS}; null before it can be measured. */
  entitiesPerSecond: number | null;
  /** Seconds to completion at that rate when the total is known; 0 once completed; else null. */
  etaSeconds: number | null;
  /** Since the run started, ms. */
  durationMs: number;
  /** ISO-8601. */
  startedAt: string;
  /** Why it failed (phase `failed`), cut to 2 000 characters; else null. */
  error: string | null;
}

/** A page's cumulative counts, as `runSync` reports them. */
export interface PageProgress {
  resource: string | null;
  pages: number;
  entities: number;
  total: number | null;
}

/** Options of {@link SyncProgressTracker}. */
export interface SyncProgressTrackerOptions {
  syncId: string;
  mode: SyncMode;
  /** Time, ms since epoch (tests inject one). */
  clock: () => number;
  /** Receives each report of the running sync (not the start and the end: those are returned). */
  report(state: SyncProgressState): void;
  /** Least time between two running reports, ms. Default {@link PROGRESS_INTERVAL_MS}. */
  intervalMs?: number;
  /** Span of the rate's sliding window, ms. Default {@link RATE_WINDOW_MS}. */
  windowMs?: number;
  /** Runs `run` after `ms` ms; returns its cancellation. Default `setTimeout` (unref'd). */
  schedule?: (run: () => void, ms: number) => () => void;
}

const defaultSchedule = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Follows one sync run page by page and decides when it is reported: at most once per page and
 * once per `intervalMs` — a page arriving sooner is reported when the interval has passed
 * (unless a newer page or the end comes first), so the latest state is never lost. Rate over a
 * sliding window and ETA from the source's total; every time from the injected clock.
 */
export class SyncProgressTracker {
  private readonly meter: RateMeter;
  private readonly startedAt: number;
  private readonly intervalMs: number;
  private state: SyncProgressState;
  private lastReport: number;
  private pending?: () => void;
  private finished = false;

  constructor(private readonly options: SyncProgressTrackerOptions) {
    this.startedAt = options.clock();
    this.lastReport = this.startedAt;
    this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
    this.meter = new RateMeter(options.windowMs ?? RATE_WINDOW_MS);
    this.meter.record(this.startedAt, 0);
    this.state = {
      syncId: options.syncId,
      mode: options.mode,
      phase: 'started',
      resource: null,
      pages: 0,
      entities: 0,
      entitiesTotal: null,
      entitiesPerSecond: null,
      etaSeconds: null,
      durationMs: 0,
      startedAt: new Date(this.startedAt).toISOString(),
      error: null,
    };
  }

  /** The run's state now (`started` until the first page). */
  get current(): SyncProgressState {
    return { ...this.state };
  }

  /**
   * Records a page; reports the running state now, or once the interval since the last report has
   * passed. A report without a new page (a run's closing checkpoint) changes nothing.
   */
  page(progress: PageProgress): void {
    if (this.finished || progress.pages <= this.state.pages) return;
    const now = this.options.clock();
    this.meter.record(now, progress.entities);
    const entitiesPerSecond = this.meter.rate();
    this.state = {
      ...this.state,
      phase: 'running',
      resource: progress.resource,
      pages: progress.pages,
      entities: progress.entities,
      entitiesTotal: progress.total,
      entitiesPerSecond,
      etaSeconds: etaSeconds(progress.entities, progress.total, entitiesPerSecond),
      durationMs: now - this.startedAt,
    };
    const wait = this.lastReport + this.intervalMs - now;
    if (wait <= 0) this.flush();
    else this.pending ??= (this.options.schedule ?? defaultSchedule)(() => this.flush(), wait);
  }

  /**
   * Ends the run: no report of it follows. `completed` sets the ETA to 0; `failed` keeps `error`.
   * @returns the final state, to record and publish
   */
  finish(phase: Exclude<AdapterSyncPhase, 'started' | 'running'>, error?: string): SyncProgressState {
    this.finished = true;
    this.pending?.();
    this.pending = undefined;
    this.state = {
      ...this.state,
      phase,
      durationMs: this.options.clock() - this.startedAt,
      etaSeconds: phase === 'completed' ? 0 : null,
      error: phase === 'failed' ? (error ?? 'sync failed').slice(0, 2_000) : null,
    };
    return this.current;
  }

  private flush(): void {
    this.pending?.();
    this.pending = undefined;
    if (this.finished) return;
    this.lastReport = this.options.clock();
    this.options.report(this.current);
  }
}
