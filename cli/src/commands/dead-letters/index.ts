import type { Command } from 'commander';
import { commandGroup } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';

/**
 * `dictamesh dead-letters`: dead letters: list | replay | discard (through the gateway).
 * SCAFFOLD: subcommands are being added.
 */
export function deadLettersCommand(io: CliIo = processIo): Command {
  return commandGroup('dead-letters', 'dead letters: list | replay | discard (through the gateway)', io);
}
