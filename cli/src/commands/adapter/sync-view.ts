import cliProgress from 'cli-progress';
import type { CliIo } from '../../shell/io';

/** One `adapterSyncProgress` message of the gateway (the fields `dictamesh adapter sync` asks for). */
export interface SyncProgressMessage {
  adapterId: string;
  syncId: string | null;
  mode: 'BACKFILL' | 'INCREMENTAL';
  phase: 'STARTED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  resource: string | null;
  pages: number;
  entities: number;
  entitiesTotal: number | null;
  entitiesPerSecond: number | null;
  etaSeconds: number | null;
  durationMs: number;
  error: string | null;
}

/** Where the bar is drawn: a terminal stream (`process.stderr`), or anything with `write` and `isTTY`. */
export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** Seconds as `45s`, `2m05s`, `1h02m` (rounded up to the second). */
export function durationText(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

/**
 * A progress message as text: entities (of the total when the source says it, with the
 * percentage), pages, rate and ETA — `250/1000 entities (25%) · 10 pages · 50/s · ETA 15s`; `-`
 * for what is not known yet.
 */
export function progressText(p: SyncProgressMessage): string {
  const entities =
    p.entitiesTotal !== null
      ? `${p.entities}/${p.entitiesTotal} entities (${p.entitiesTotal > 0 ? Math.min(100, Math.floor((p.entities / p.entitiesTotal) * 100)) : 100}%)`
      : `${p.entities} entities`;
  const rate = p.entitiesPerSecond !== null ? `${p.entitiesPerSecond}/s` : '-/s';
  const eta = p.etaSeconds !== null ? durationText(p.etaSeconds) : '-';
  return `${entities} · ${p.pages} page${p.pages === 1 ? '' : 's'} · ${rate} · ETA ${eta}`;
}

/** A progress message as one log line (when standard error is not a terminal): `<id> <phase>: <progress>`. */
export function progressLine(p: SyncProgressMessage): string {
  return `${p.adapterId} ${p.phase.toLowerCase()}: ${progressText(p)}`;
}

/**
 * Shows a sync's progress: on a terminal, a cli-progress bar of entities over the total (a
 * counter while the total is unknown) with pages, rate and ETA; elsewhere (pipes, CI logs), one
 * line per message on standard error.
 */
export class SyncProgressView {
  private bar?: cliProgress.SingleBar;

  /** @param terminal the terminal to draw on; null or not a TTY: lines through `io.err` */
  constructor(
    private readonly io: CliIo,
    private readonly terminal: ProgressTerminal | null,
  ) {}

  /** Shows a new message. */
  update(p: SyncProgressMessage): void {
    if (!this.terminal?.isTTY) {
      this.io.err(`${progressLine(p)}\n`);
      return;
    }
    const payload = { progress: p };
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.terminal as unknown as NodeJS.WritableStream,
          format: (options, params, data: { progress: SyncProgressMessage }) =>
            data.progress.entitiesTotal !== null
              ? `[${cliProgress.Format.BarFormat(params.progress, options)}] ${progressText(data.progress)}`
              : progressText(data.progress),
          barsize: 30,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.entitiesTotal ?? 0, p.entities, payload);
      return;
    }
    if (p.entitiesTotal !== null) this.bar.setTotal(p.entitiesTotal);
    this.bar.update(p.entities, payload);
  }

  /** Draws the last state and leaves the bar (call once, at the end). */
  stop(): void {
    this.bar?.stop();
  }
}
