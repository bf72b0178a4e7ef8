import type { Command } from 'commander';
import { commandGroup } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';

/**
 * `dictamesh apikey`: API keys: create (directly in the database: the first admin credential) | list | revoke.
 * SCAFFOLD: subcommands are being added.
 */
export function apikeyCommand(io: CliIo = processIo): Command {
  return commandGroup('apikey', 'API keys: create (directly in the database: the first admin credential) | list | revoke', io);
}
