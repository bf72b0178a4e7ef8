import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from './io';

/** A count of items done out of a total, drawn while a command works through them. */
export interface CountProgress {
  /** One more item done. */
  increment(): void;
  /** Removes the bar (the command prints its summary next). */
  stop(): void;
}

/**
 * A cli-progress bar `<label> [████░░] 12/40 30% | ETA 3s` on `io.progress` (standard error of
 * the process), drawn only when that stream is a terminal: in logs and tests it prints nothing
 * and the command's summary line says what happened.
 */
export function countProgress(io: CliIo, label: string, total: number): CountProgress {
  if (!io.progress?.isTTY) return { increment: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream: io.progress,
      format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: () => bar.increment(), stop: () => bar.stop() };
}
