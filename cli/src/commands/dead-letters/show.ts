import { CliFailure, type ExitCode } from '../../shell/failure';
import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import type { CliIo } from '../../shell/io';
import { DEAD_LETTER_FIELDS, dlqHeaders, type DeadLetterView } from './view';

/** Options of `dictamesh dead-letters show`. */
export interface ShowOptions extends ConnectionOptions {
  json?: boolean;
}

/** A dead letter with its CloudEvent. */
export type DeadLetterRecord = DeadLetterView & { event: unknown };

const DEAD_LETTER = `query DeadLetter($id: ID!) { deadLetter(id: $id) { ${DEAD_LETTER_FIELDS} event } }`;

/** A dead letter for people: what and when, its DLQ headers, then its CloudEvent as indented JSON. */
export function deadLetterLines(letter: DeadLetterRecord): string[] {
  return [
    `id: ${letter.id}`,
    `status: ${letter.status} (recorded ${letter.createdAt}${letter.resolvedAt ? `, resolved ${letter.resolvedAt}` : ''})`,
    `event: ${letter.eventId} ${letter.eventType}${letter.subject ? ` ${letter.subject}` : ''}`,
    'headers:',
    ...dlqHeaders(letter).map(([name, value]) => `  ${name}: ${value}`),
    'cloudevent:',
    ...JSON.stringify(letter.event, null, 2)
      .split('\n')
      .map((line) => `  ${line}`),
  ];
}

/**
 * `dictamesh dead-letters show <id>`: one dead letter in any status with the error headers the
 * dead-letter queue gave it and its whole CloudEvent; `--json` prints the record as JSON.
 * @throws CliFailure `NOT_FOUND` (unknown, or another organisation's), the gateway's other errors
 */
export async function showCommand(id: string, options: ShowOptions, io: CliIo): Promise<ExitCode> {
  const { deadLetter } = await gatewayRequest<{ deadLetter: DeadLetterRecord | null }>(connectionOf(options), DEAD_LETTER, { id });
  if (!deadLetter) throw new CliFailure('NOT_FOUND', `no dead letter ${id}`);
  io.out(
    options.json
      ? `${JSON.stringify(deadLetter, null, 2)}\n`
      : deadLetterLines(deadLetter)
          .map((l) => `${l}\n`)
          .join(''),
  );
  return 0;
}
