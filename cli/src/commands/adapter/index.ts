import type { Command } from 'commander';
import { commandGroup } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';
import { adapterNewCommand } from './new';

/** `dictamesh adapter`: new (generate a package) | list | register | sync | pause | resume | remove. */
export function adapterCommand(io: CliIo = processIo): Command {
  const adapter = commandGroup('adapter', 'source adapters: generate a new kind, or manage the registered ones', io);
  adapter
    .command('new')
    .description('generate an adapter package (config schema, implementation, fake source, tests, README)')
    .argument('<kind>', 'adapter kind, lower-case words joined by "-" (e.g. acme-crm)')
    .option('--dir <folder>', 'folder to create it in (one of DICTAMESH_ADAPTER_DIRS)', 'adapters')
    .option('--entity <type>', 'entity type of its records, lower_snake_case', 'item')
    .option('--resource <name>', 'resource (endpoint) name; default: <entity>s')
    .action(adapterNewCommand);
  return adapter;
}
