import type { Command } from 'commander';
import { commandGroup } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';

/**
 * `dictamesh migrate`: database migrations: apply pending ones, or show their status.
 * SCAFFOLD: subcommands are being added.
 */
export function migrateCommand(io: CliIo = processIo): Command {
  return commandGroup('migrate', 'database migrations: apply pending ones, or show their status', io);
}
