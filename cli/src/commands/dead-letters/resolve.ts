import { CliFailure, usage, type ExitCode } from '../../shell/failure';
import { connectionOf, gatewayRequest, type ConnectionOptions, type GatewayConnection } from '../../shell/gateway';
import type { CliIo } from '../../shell/io';
import { countProgress } from '../../shell/progress-bar';
import { DEAD_LETTERS, type DeadLetterPage } from './list';

/** What `replay` / `discard` do to a pending dead letter. */
export type Resolution = 'replay' | 'discard';

/** Options of `dictamesh dead-letters replay|discard`. */
export interface ResolveOptions extends ConnectionOptions {
  /** Every dead letter of `status` instead of the ids given. */
  all?: boolean;
  status: string;
  /** Confirms `--all`. */
  yes?: boolean;
}

const MUTATIONS: Record<Resolution, { field: string; done: string }> = {
  replay: { field: 'replayDeadLetter', done: 'replayed' },
  discard: { field: 'discardDeadLetter', done: 'discarded' },
};
/** Failures that stop a bulk run at once: every other item would fail the same way. */
const FATAL = new Set(['USAGE', 'GATEWAY_UNREACHABLE', 'GATEWAY_ERROR', 'UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN']);
const PAGE = 500;

/**
 * The ids of every dead letter of a status, oldest first (pages of 500 read before anything
 * is changed: resolving them moves them out of the status the pages are read by).
 * @throws CliFailure the gateway's error
 */
export async function allDeadLetterIds(connection: GatewayConnection, status: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { deadLetters }: { deadLetters: DeadLetterPage } = await gatewayRequest(connection, DEAD_LETTERS, { status, first: PAGE, after });
    ids.push(...deadLetters.nodes.map((d) => d.id));
    if (!deadLetters.pageInfo.hasNextPage) return ids.reverse();
    after = deadLetters.pageInfo.endCursor;
  }
}

/**
 * `dictamesh dead-letters replay|discard <id...>` or `--all --yes`: replays (publishes the
 * CloudEvent again on its original topic; same id, so applied at most once) or discards each
 * pending dead letter, oldest first with `--all`, drawing a progress bar on a terminal. Each
 * failure is printed as `failed <id>: <CODE> <message>`; a summary line ends the output.
 * @returns 0 when every one was resolved, 1 when any failed
 * @throws CliFailure `USAGE` (ids and `--all`, neither, `--all` without `--yes`, a status
 *   other than PENDING); the gateway's error when it stops every item (unreachable, credentials)
 */
export async function resolveCommand(
  resolution: Resolution,
  ids: readonly string[],
  options: ResolveOptions,
  io: CliIo,
): Promise<ExitCode> {
  const connection = connectionOf(options);
  if (options.all && ids.length > 0) throw usage('give dead-letter ids or --all, not both');
  if (!options.all && ids.length === 0) throw usage(`give the ids of the dead letters to ${resolution}, or --all --yes`);
  if (options.status !== 'PENDING') throw usage(`only PENDING dead letters can be ${MUTATIONS[resolution].done}`);
  const targets = options.all ? await allDeadLetterIds(connection, options.status) : [...ids];
  if (options.all && !options.yes) {
    throw usage(`${resolution} --all would ${resolution} ${targets.length} ${options.status} dead letters: add --yes to confirm`);
  }
  const { field, done } = MUTATIONS[resolution];
  const mutation = `mutation Resolve($id: ID!) { ${field}(id: $id) { id status } }`;
  const failures: string[] = [];
  const progress = countProgress(io, `${resolution} dead letters`, targets.length);
  try {
    for (const id of targets) {
      try {
        await gatewayRequest(connection, mutation, { id });
      } catch (error) {
        if (!(error instanceof CliFailure) || FATAL.has(error.code)) throw error;
        failures.push(`failed ${id}: ${error.code} ${error.message}`);
      }
      progress.increment();
    }
  } finally {
    progress.stop();
  }
  for (const line of failures) io.out(`${line}\n`);
  io.out(
    `${done} ${targets.length - failures.length} of ${targets.length} dead letter${targets.length === 1 ? '' : 's'}; ${failures.length} failed\n`,
  );
  return failures.length > 0 ? 1 : 0;
}
