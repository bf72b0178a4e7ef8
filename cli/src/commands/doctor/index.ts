import type { Command } from 'commander';
import { commandGroup } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';

/**
 * `dictamesh doctor`: check every dependency and service: one line per check, exit 1 on any failure.
 * SCAFFOLD: subcommands are being added.
 */
export function doctorCommand(io: CliIo = processIo): Command {
  return commandGroup('doctor', 'check every dependency and service: one line per check, exit 1 on any failure', io);
}
