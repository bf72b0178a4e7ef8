#!/usr/bin/env node
import { Command } from 'commander';
import { adapterNewCommand } from './commands/adapter-new';
import { configCommand, isCommanderStop } from './commands/config';
import { eventsTailCommand } from './commands/events-tail';
import { operationsPublishCommand } from './commands/operations-publish';
import { replayCommand } from './commands/replay';
import { startCommand } from './commands/start';

const program = new Command().name('dictamesh').description('DictaMesh: federated data-mesh gateway').showHelpAfterError();

program
  .command('start')
  .description('start gateway, catalog subgraph and adapter runtime (adapters subgraph, webhook endpoint)')
  .action(startCommand);

program
  .command('replay')
  .description('POST every *.json webhook body in a folder to a running DictaMesh')
  .argument('<dir>', 'folder of webhook bodies')
  .option('--url <url>', 'webhook endpoint', 'http://127.0.0.1:4002/webhooks/chatwoot/accounts/12')
  .action((dir: string, options: { url: string }) => replayCommand(dir, options));

const events = program.command('events').description('inspect the event bus (Kafka)');
const collect = (value: string, previous: string[] = []) => [...previous, value];
events
  .command('tail')
  .description('print decoded CloudEvents of topics as JSON lines (needs KAFKA_BROKERS)')
  .option('--topic <name>', 'topic to read (repeatable; default: the entity topics)', collect)
  .option('--type <type>', 'only CloudEvents of this type, e.g. dictamesh.entity.created (repeatable)', collect)
  .option('--subject <prefix>', 'only events whose subject (URN) starts with this')
  .option('--from-beginning', 'read from the oldest retained record')
  .option('--max <n>', 'stop after n events')
  .option('--timeout <seconds>', 'stop after this many seconds')
  .action(eventsTailCommand);

const adapter = program.command('adapter').description('source adapter development');
adapter
  .command('new')
  .description('generate an adapter package (config schema, implementation, fake source, tests, README)')
  .argument('<kind>', 'adapter kind, lower-case words joined by "-" (e.g. acme-crm)')
  .option('--dir <folder>', 'folder to create it in (one of DICTAMESH_ADAPTER_DIRS)', 'adapters')
  .option('--entity <type>', 'entity type of its records, lower_snake_case', 'item')
  .option('--resource <name>', 'resource (endpoint) name; default: <entity>s')
  .action(adapterNewCommand);

const operations = program.command('operations').description('persisted operations (safelist)');
operations
  .command('publish')
  .description('validate the operations of a folder against the supergraph and write the persisted query manifest')
  .argument('<folder>', 'folder of *.graphql / *.gql operation files (searched recursively)')
  .option('--out <file>', 'manifest to write (GATEWAY_PERSISTED_QUERIES)', 'schemas/operations/manifest.json')
  .option('--supergraph <file>', 'supergraph SDL', 'schemas/supergraph.graphql')
  .action(operationsPublishCommand);

program.addCommand(configCommand());

// `dictamesh config` stops on usage errors and --help by throwing (its exit status is set: 2 / 0)
await program.parseAsync().catch((error: unknown) => {
  if (!isCommanderStop(error)) throw error;
});
