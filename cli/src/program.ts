import { createRequire } from 'node:module';
import { Command } from 'commander';
import { adapterCommand } from './commands/adapter';
import { apikeyCommand } from './commands/apikey';
import { configCommand } from './commands/config';
import { deadLettersCommand } from './commands/dead-letters';
import { doctorCommand } from './commands/doctor';
import { eventsCommand } from './commands/events';
import { migrateCommand } from './commands/migrate';
import { operationsPublishCommand } from './commands/operations-publish';
import { replayProgram } from './commands/replay';
import { startCommand } from './commands/start';
import { withExamples } from './shell/command';
import { processIo, type CliIo } from './shell/io';

/** The version of the CLI package (`dictamesh --version`). */
export const CLI_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/**
 * The whole `dictamesh` command tree, writing through `io` (the process, or a test's buffers).
 * Used by `cli/src/index.ts` to run it, and by the docs check to know which commands exist.
 */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command()
    .name('dictamesh')
    .description('DictaMesh: federated data-mesh gateway')
    .version(CLI_VERSION)
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });

  withExamples(
    program.command('start').description('start DictaMesh: the services of DICTAMESH_SERVICES in this process'),
    'npx dictamesh start',
    'DICTAMESH_SERVICES=gateway GATEWAY_PORT=8080 npx dictamesh start',
  ).action(startCommand);

  const operations = program.command('operations').description('persisted operations (safelist)');
  withExamples(operations.command('publish'), 'npx dictamesh operations publish schemas/operations/examples')
    .description('validate the operations of a folder against the supergraph and write the persisted query manifest')
    .argument('<folder>', 'folder of *.graphql / *.gql operation files (searched recursively)')
    .option('--out <file>', 'manifest to write (GATEWAY_PERSISTED_QUERIES)', 'schemas/operations/manifest.json')
    .option('--supergraph <file>', 'supergraph SDL', 'schemas/supergraph.graphql')
    .action(operationsPublishCommand);

  for (const group of [
    adapterCommand(io),
    apikeyCommand(io),
    configCommand(io),
    deadLettersCommand(io),
    doctorCommand(io),
    eventsCommand(io),
    migrateCommand(io),
    replayProgram(io),
  ])
    program.addCommand(group);
  return program;
}
