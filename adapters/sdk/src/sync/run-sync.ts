import type { ChangeBatch, Checkpoint, StreamingAdapter, SyncMode } from '../contracts/adapter';

/** Where sync checkpoints are kept (the catalog stores them per adapter id). */
export interface CheckpointStore {
  load(adapterId: string): Promise<Checkpoint | null>;
  /** Must be durable when it resolves. */
  save(adapterId: string, checkpoint: Checkpoint): Promise<void>;
}

/** Progress of a running sync, reported after each published batch. */
export interface SyncProgress {
  mode: SyncMode;
  resource: string | null;
  /** Entity changes published so far in this run. */
  entities: number;
  /** Batches (pages) handled so far in this run; a closing batch without changes and resource is not counted. */
  pages: number;
  /** Since the run started, ms. */
  durationMs: number;
  /** Entity changes the whole run publishes, when the source says (the latest batch's `total`); else null. */
  total: number | null;
  checkpoint: Checkpoint;
}

/** Options of {@link runSync}. */
export interface RunSyncOptions {
  mode: SyncMode;
  checkpoints: CheckpointStore;
  /** Publishes one batch's changes; resolves once the event bus holds them. */
  publish(batch: ChangeBatch): Promise<void>;
  signal: AbortSignal;
  onProgress?(progress: SyncProgress): void;
}

/**
 * Runs a sync of a streaming adapter from its stored checkpoint: each batch is published and
 * only then its checkpoint saved, so a crash at any point re-reads at most the batch in flight
 * (at-least-once; deterministic event ids make the replay a no-op in the catalog). A
 * `backfill` starts from scratch when the stored checkpoint belongs to a completed run.
 * @returns the final progress
 * @throws whatever the adapter or `publish` throws; the checkpoint stays at the last published batch
 */
export async function runSync(adapter: StreamingAdapter, options: RunSyncOptions): Promise<SyncProgress> {
  const started = Date.now();
  const from = await options.checkpoints.load(adapter.id);
  let progress: SyncProgress = {
    mode: options.mode,
    resource: null,
    entities: 0,
    pages: 0,
    durationMs: 0,
    total: null,
    checkpoint: from ?? {},
  };
  for await (const batch of adapter.changes(from, { mode: options.mode, signal: options.signal })) {
    if (batch.changes.length > 0) await options.publish(batch);
    await options.checkpoints.save(adapter.id, batch.checkpoint);
    progress = {
      mode: options.mode,
      resource: batch.resource ?? null,
      entities: progress.entities + batch.changes.length,
      // the closing batch of a run (a checkpoint, no changes, no resource) is no page
      pages: progress.pages + (batch.changes.length === 0 && batch.resource === undefined ? 0 : 1),
      durationMs: Date.now() - started,
      total: batch.total === undefined ? progress.total : batch.total,
      checkpoint: batch.checkpoint,
    };
    options.onProgress?.(progress);
    if (options.signal.aborted) break;
  }
  return progress;
}

/**
 * A {@link CheckpointStore} in memory, per adapter id (for tests and one-off CLI syncs; the
 * catalog keeps checkpoints in Postgres). Saved checkpoints are deep-copied.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly saved = new Map<string, Checkpoint>();

  async load(adapterId: string): Promise<Checkpoint | null> {
    const checkpoint = this.saved.get(adapterId);
    return checkpoint === undefined ? null : structuredClone(checkpoint);
  }

  async save(adapterId: string, checkpoint: Checkpoint): Promise<void> {
    this.saved.set(adapterId, structuredClone(checkpoint));
  }
}
