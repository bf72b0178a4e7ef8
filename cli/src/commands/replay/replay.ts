import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { CliFailure, usage, type ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { countProgress } from '../../shell/progress-bar';
import { deliver, type DeliveryOutcome } from './deliver';
import { orderedGroups } from './order';
import { webhookUrl, type TargetOptions } from './url';

/** Options of `dictamesh replay`. */
export interface ReplayOptions extends TargetOptions {
  /** Deliveries in flight at once (1–64). */
  concurrency: number;
  /** Chatwoot webhook secret: each delivery is signed with it. */
  webhookSecret?: string;
  /** Print every delivery, not only the rejected ones. */
  verbose?: boolean;
}

/** Counts of a replay. */
export interface ReplaySummary {
  deliveries: number;
  accepted: number;
  ignored: number;
  rejected: number;
  /** Entity change events the accepted deliveries published. */
  events: number;
}

/** The summary line: `<n> deliveries in <s> s (<r>/s): <a> accepted (<e> entity change events), <i> ignored, <r> rejected`. */
export function summaryLine(summary: ReplaySummary, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.deliveries / seconds) : summary.deliveries;
  return (
    `${summary.deliveries} deliveries in ${seconds.toFixed(1)} s (${rate}/s): ${summary.accepted} accepted ` +
    `(${summary.events} entity change events), ${summary.ignored} ignored, ${summary.rejected} rejected`
  );
}

/** One delivery as a line: `<file> <status> <n events | ignored | rejected> <detail>`. */
function outcomeLine(file: string, outcome: DeliveryOutcome): string {
  const what = outcome.result === 'accepted' ? `${outcome.events} events` : outcome.result;
  return `${file}  ${outcome.status || '-'} ${what}${outcome.detail ? ` ${outcome.detail}` : ''}`;
}

/**
 * `dictamesh replay <dir>`: POSTs every `*.json` file of a folder to a webhook endpoint as
 * Chatwoot would, `--concurrency` at once (a p-limit pool). Deliveries of one entity (a
 * conversation and its messages, a contact: see `order.ts`) go one after the other in file
 * name order; different entities run in parallel. A progress bar is drawn on a terminal;
 * rejected deliveries (every one with `--verbose`) are printed in file name order, then the
 * summary counts.
 * @returns 0, or 1 when a delivery was rejected
 * @throws CliFailure `USAGE` (no target, bad flags, unreadable folder); `REPLAY_EMPTY` (no `*.json` file)
 */
export async function replayCommand(dir: string, options: ReplayOptions, io: CliIo, now: () => number = Date.now): Promise<ExitCode> {
  const url = webhookUrl(options);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (error) {
    throw usage(`cannot read ${dir}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new CliFailure('REPLAY_EMPTY', `no *.json files in ${dir}`);
  const bodies = new Map(names.map((name) => [name, readFileSync(join(dir, name))]));
  const groups = orderedGroups(names.map((name) => ({ name, body: bodies.get(name)!.toString('utf8') })));

  const outcomes = new Map<string, DeliveryOutcome>();
  const progress = countProgress(io, 'replay', names.length);
  const limit = pLimit(options.concurrency);
  const started = now();
  try {
    await Promise.all(
      groups.map((group) =>
        limit(async () => {
          for (const name of group.files) {
            outcomes.set(
              name,
              await deliver(url, bodies.get(name)!, options.webhookSecret ? { webhookSecret: options.webhookSecret, now } : {}),
            );
            progress.increment();
          }
        }),
      ),
    );
  } finally {
    progress.stop();
  }
  const elapsed = now() - started;
  const summary: ReplaySummary = { deliveries: names.length, accepted: 0, ignored: 0, rejected: 0, events: 0 };
  for (const name of names) {
    const outcome = outcomes.get(name)!;
    summary[outcome.result] += 1;
    summary.events += outcome.events;
    if (options.verbose || outcome.result === 'rejected') io.out(`${outcomeLine(name, outcome)}\n`);
  }
  io.out(`${summaryLine(summary, elapsed)}\n`);
  return summary.rejected > 0 ? 1 : 0;
}
