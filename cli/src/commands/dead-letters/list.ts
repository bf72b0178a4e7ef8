import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { tableLines } from '../../shell/table';
import { DEAD_LETTER_FIELDS, type DeadLetterView } from './view';

/** Options of `dictamesh dead-letters list`. */
export interface ListOptions extends ConnectionOptions {
  status: string;
  first: number;
  after?: string;
  json?: boolean;
}

/** One page of dead letters (`DeadLetterConnection`). */
export interface DeadLetterPage {
  nodes: DeadLetterView[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The `deadLetters` query: one page of a status, newest first. */
export const DEAD_LETTERS = `query DeadLetters($status: DeadLetterStatus, $first: Int, $after: String) {
  deadLetters(status: $status, first: $first, after: $after) { nodes { ${DEAD_LETTER_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;

const ERROR_WIDTH = 60;

/** Dead letters as a table: id, created, type, subject, consumer group, attempts, error (cut to 60 characters). */
export function deadLetterTable(letters: readonly DeadLetterView[]): string[] {
  return tableLines(
    ['ID', 'CREATED', 'TYPE', 'SUBJECT', 'GROUP', 'ATTEMPTS', 'ERROR'],
    letters.map((d) => [
      d.id,
      d.createdAt,
      d.eventType,
      d.subject ?? '-',
      d.consumerGroup,
      String(d.attempts),
      d.error.length > ERROR_WIDTH ? `${d.error.slice(0, ERROR_WIDTH - 1)}…` : d.error,
    ]),
  );
}

/**
 * `dictamesh dead-letters list`: one page of the caller's dead letters of `--status` (default
 * PENDING), newest first, `--first` of them (1–500, default 50) after the cursor `--after`,
 * as a table with a footer naming the next page's cursor, or `--json` (the connection).
 * @throws CliFailure the gateway's error (`BAD_USER_INPUT` for `--first`, `INVALID_CURSOR`, `FORBIDDEN`, …)
 */
export async function listCommand(options: ListOptions, io: CliIo): Promise<ExitCode> {
  const { deadLetters } = await gatewayRequest<{ deadLetters: DeadLetterPage }>(connectionOf(options), DEAD_LETTERS, {
    status: options.status,
    first: options.first,
    after: options.after ?? null,
  });
  if (options.json) {
    io.out(`${JSON.stringify(deadLetters, null, 2)}\n`);
    return 0;
  }
  if (deadLetters.nodes.length > 0)
    io.out(
      deadLetterTable(deadLetters.nodes)
        .map((line) => `${line}\n`)
        .join(''),
    );
  const more = deadLetters.pageInfo.hasNextPage ? `; next page: --after ${deadLetters.pageInfo.endCursor}` : '';
  io.out(`# ${deadLetters.nodes.length} ${options.status} dead letter${deadLetters.nodes.length === 1 ? '' : 's'}${more}\n`);
  return 0;
}
