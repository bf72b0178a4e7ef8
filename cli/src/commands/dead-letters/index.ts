import { InvalidArgumentError, Option, type Command } from 'commander';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { withConnectionOptions } from '../../shell/gateway';
import { processIo, type CliIo } from '../../shell/io';
import { listCommand, type ListOptions } from './list';
import { resolveCommand, type Resolution, type ResolveOptions } from './resolve';
import { showCommand, type ShowOptions } from './show';
import { DEAD_LETTER_STATUSES } from './view';

/** A page size of `deadLetters` (1–500). */
function pageSize(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 500) throw new InvalidArgumentError('not an integer from 1 to 500');
  return Number(text);
}

/**
 * `dictamesh dead-letters`: list | show | replay | discard the records consumer groups gave up
 * on (the catalog's `deadLetters`), through the gateway (`--gateway`, `--api-key`, `--token`).
 * Exit status 0 ok, 1 refused or an item failed (printed with its code), 2 usage.
 */
export function deadLettersCommand(io: CliIo = processIo): Command {
  const group = commandGroup('dead-letters', 'dead letters: list | show | replay | discard (through the gateway)', io);
  const run = runner(io);
  const sub = (name: string, description: string, ...examples: string[]) =>
    withExamples(withConnectionOptions(group.command(name).description(description)), ...examples);
  const status = () => new Option('--status <status>', 'dead letters of this status').choices(DEAD_LETTER_STATUSES).default('PENDING');

  sub(
    'list',
    'one page of dead letters, newest first',
    'dictamesh dead-letters list --status PENDING --first 20',
    'dictamesh dead-letters list --after <cursor> --json',
  )
    .addOption(status())
    .option('--first <n>', 'page size, 1–500', pageSize, 50)
    .option('--after <cursor>', 'the page after this cursor (printed under the previous page)')
    .option('--json', 'print JSON')
    .action(run((options: ListOptions) => listCommand(options, io)));

  sub('show', 'one dead letter: its error headers and CloudEvent', 'dictamesh dead-letters show 5f0c…')
    .argument('<id>', 'dead letter id')
    .option('--json', 'print JSON')
    .action(run((id: string, options: ShowOptions) => showCommand(id, options, io)));

  const resolving = (resolution: Resolution, description: string, example: string) =>
    sub(resolution, description, `dictamesh dead-letters ${resolution} <id> <id>`, example)
      .argument('[ids...]', 'dead letter ids')
      .option('--all', 'every dead letter of --status (needs --yes)')
      .addOption(status())
      .option('--yes', 'confirm --all')
      .action(run((ids: string[], options: ResolveOptions) => resolveCommand(resolution, ids, options, io)));
  resolving(
    'replay',
    'publish dead letters again on their original topics (same event id: applied at most once)',
    'dictamesh dead-letters replay --all --status PENDING --yes',
  );
  resolving('discard', 'mark dead letters DISCARDED (never replayed)', 'dictamesh dead-letters discard --all --yes');
  return group;
}
