import type { Command } from 'commander';
import { DictaMeshError } from '@dictamesh/runtime';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { CliFailure } from '../../shell/failure';
import { withConnectionOptions, type ConnectionOptions } from '../../shell/gateway';
import { processIo, type CliIo } from '../../shell/io';
import { listCommand, type ListOptions } from './list';
import { adapterNewCommand, type ScaffoldOptions } from './new';
import { pauseCommand } from './pause';
import { registerCommand, type RegisterOptions } from './register';
import { removeCommand } from './remove';
import { resumeCommand } from './resume';
import { addSyncCommand } from './sync';

/**
 * `dictamesh adapter`: new (generate a package) | list | register | sync | pause | resume |
 * remove. All but `new` go through the gateway (`--gateway`, `--api-key`, `--token`) to the
 * adapters subgraph; exit status 0 ok, 1 refused (printed with its code), 2 usage.
 */
export function adapterCommand(io: CliIo = processIo): Command {
  const adapter = commandGroup('adapter', 'source adapters: generate a new kind, or manage the registered ones', io);
  const run = runner(io);
  const sub = (name: string, description: string, ...examples: string[]) =>
    withExamples(withConnectionOptions(adapter.command(name).description(description)), ...examples);

  withExamples(
    adapter
      .command('new')
      .description('generate an adapter package (config schema, implementation, fake source, tests, README)')
      .argument('<kind>', 'adapter kind, lower-case words joined by "-" (e.g. acme-crm)')
      .option('--dir <folder>', 'folder to create it in (one of DICTAMESH_ADAPTER_DIRS)', 'adapters')
      .option('--entity <type>', 'entity type of its records, lower_snake_case', 'item')
      .option('--resource <name>', 'resource (endpoint) name; default: <entity>s')
      .action(
        run(async (kind: string, options: ScaffoldOptions) => {
          try {
            adapterNewCommand(kind, options);
          } catch (error) {
            // a bad name or an existing folder: one coded line, not the program's last resort
            if (error instanceof DictaMeshError) throw new CliFailure(error.code, error.message);
            throw error;
          }
          return 0;
        }),
      ),
    'dictamesh adapter new acme-crm --entity ticket',
  );

  sub('list', 'the registered adapters: id, kind, status, health, last sync', 'dictamesh adapter list --api-key dmk_…')
    .option('--json', 'print JSON')
    .action(run((options: ListOptions) => listCommand(options, io)));

  sub(
    'register',
    'register an adapter (it starts at once); secrets are stored encrypted and never printed',
    'dictamesh adapter register --kind chatwoot --id cw-main --config chatwoot.yaml --secret apiAccessToken=$CHATWOOT_TOKEN',
  )
    .requiredOption('--kind <kind>', 'adapter kind, e.g. chatwoot (see adapterKinds)')
    .requiredOption('--id <id>', 'adapter id, [a-z0-9][a-z0-9-]{0,62}, unique')
    .option('--config <file>', 'configuration, YAML or JSON (a mapping)')
    .option(
      '--secret <name=value>',
      'a secret field (repeatable; dotted names for nested fields)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(run((options: RegisterOptions) => registerCommand(options, io)));

  sub('pause', 'stop an adapter; it stays paused across restarts', 'dictamesh adapter pause cw-main')
    .argument('<id>', 'adapter id')
    .action(run((id: string, options: ConnectionOptions) => pauseCommand(id, options, io)));

  sub('resume', 'start a paused adapter again', 'dictamesh adapter resume cw-main')
    .argument('<id>', 'adapter id')
    .action(run((id: string, options: ConnectionOptions) => resumeCommand(id, options, io)));

  sub('remove', 'stop and delete an adapter and its checkpoint (its entities stay in the catalog)', 'dictamesh adapter remove cw-main')
    .argument('<id>', 'adapter id')
    .action(run((id: string, options: ConnectionOptions) => removeCommand(id, options, io)));

  addSyncCommand(adapter, io);
  return adapter;
}
