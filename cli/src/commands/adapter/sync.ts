import { Option, type Command } from 'commander';
import { runner, withExamples } from '../../shell/command';
import { CliFailure, type ExitCode } from '../../shell/failure';
import { connectionOf, gatewayRequest, withConnectionOptions, type ConnectionOptions, type GatewayConnection } from '../../shell/gateway';
import { processIo, type CliIo } from '../../shell/io';
import { followSyncProgress } from './sync-stream';
import { durationText, SyncProgressView, type ProgressTerminal, type SyncProgressMessage } from './sync-view';

/** Options of `dictamesh adapter sync`. */
export interface SyncOptions extends ConnectionOptions {
  /** `BACKFILL` or `INCREMENTAL`. */
  mode: 'BACKFILL' | 'INCREMENTAL';
  /** False with `--no-watch`: trigger and return. */
  watch: boolean;
}

/** What `dictamesh adapter sync` uses besides the gateway's HTTP endpoint (tests replace them). */
export interface SyncDependencies {
  /** The progress messages of a sync (default: `adapterSyncProgress` over graphql-sse). */
  follow(connection: GatewayConnection, id: string): AsyncIterable<SyncProgressMessage>;
  /** Where the bar is drawn; null or not a TTY: one line per message on standard error. */
  terminal: ProgressTerminal | null;
}

const TRIGGER = /* GraphQL */ `
  mutation TriggerSync($id: ID!, $mode: SyncMode) {
    triggerSync(id: $id, mode: $mode) {
      id
      lastSync {
        syncId
        phase
      }
    }
  }
`;

/**
 * `dictamesh adapter sync <id>`: triggers a sync of a registered adapter (`triggerSync`) and,
 * unless `--no-watch`, follows its progress (`adapterSyncProgress`) until it ends.
 * @returns 0 when it completed (or, with `--no-watch`, started)
 * @throws CliFailure `SYNC_FAILED` with the sync's error, `SYNC_CANCELLED`, the gateway's error codes
 *   (`NOT_FOUND`, `BAD_USER_INPUT`, `UNAUTHORIZED`, …), `GATEWAY_UNREACHABLE`
 */
export async function adapterSyncCommand(
  id: string,
  options: SyncOptions,
  io: CliIo,
  dependencies: SyncDependencies = { follow: followSyncProgress, terminal: io === processIo ? process.stderr : null },
): Promise<ExitCode> {
  const connection = connectionOf(options);
  const { triggerSync } = await gatewayRequest<{ triggerSync: { id: string; lastSync: { syncId: string | null } | null } }>(
    connection,
    TRIGGER,
    { id, mode: options.mode },
  );
  const syncId = triggerSync.lastSync?.syncId ?? null;
  if (!options.watch) {
    io.out(`${id}: ${options.mode.toLowerCase()} sync started${syncId ? ` (sync ${syncId})` : ''}\n`);
    return 0;
  }
  const view = new SyncProgressView(io, dependencies.terminal);
  let last: SyncProgressMessage | undefined;
  try {
    for await (const message of dependencies.follow(connection, id)) {
      view.update(message);
      last = message;
    }
  } finally {
    view.stop();
  }
  return outcome(id, last, io);
}

/**
 * The exit of a followed sync from its last message: 0 with a summary line when it completed.
 * @throws CliFailure `SYNC_FAILED` (its error), `SYNC_CANCELLED`, `SYNC_UNFINISHED` when the progress ended before the sync
 */
export function outcome(id: string, last: SyncProgressMessage | undefined, io: CliIo): ExitCode {
  switch (last?.phase) {
    case 'COMPLETED':
      io.out(`${completedLine(last)}\n`);
      return 0;
    case 'FAILED':
      throw new CliFailure('SYNC_FAILED', `${id}: ${last.error ?? 'the sync failed'}`);
    case 'CANCELLED':
      throw new CliFailure('SYNC_CANCELLED', `${id}: the sync was cancelled (adapter paused, updated or removed, or its runtime stopped)`);
    default:
      throw new CliFailure('SYNC_UNFINISHED', `${id}: the progress ended before the sync did; see \`adapter(id) { lastSync }\``);
  }
}

/** The line printed when a followed sync completed: `<id>: completed: 100 entities, 4 pages in 8s`. */
export function completedLine(p: SyncProgressMessage): string {
  return `${p.adapterId}: ${p.mode.toLowerCase()} sync completed: ${p.entities} entities, ${p.pages} page${p.pages === 1 ? '' : 's'} in ${durationText(p.durationMs / 1_000)}`;
}

/** Adds `sync` to the `dictamesh adapter` group. */
export function addSyncCommand(group: Command, io: CliIo = processIo): Command {
  const run = runner(io);
  const command = withConnectionOptions(
    group
      .command('sync')
      .description('sync a registered adapter now and follow its progress (entities, pages, rate, ETA) until it ends')
      .argument('<id>', 'adapter id')
      .addOption(
        new Option('--mode <mode>', 'BACKFILL (read everything) or INCREMENTAL (what changed)')
          .choices(['BACKFILL', 'INCREMENTAL'])
          .default('INCREMENTAL'),
      )
      .option('--no-watch', 'trigger the sync and return without following it'),
  ).action(run((id: string, options: SyncOptions) => adapterSyncCommand(id, options, io)));
  return withExamples(
    command,
    'dictamesh adapter sync crm-main --mode BACKFILL --api-key dmk_…',
    'dictamesh adapter sync crm-main --no-watch',
  );
}
