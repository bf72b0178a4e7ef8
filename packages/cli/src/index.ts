#!/usr/bin/env node
import { Command } from 'commander';
import { replayCommand } from './commands/replay';
import { startCommand } from './commands/start';

const program = new Command().name('dictamesh').description('DictaMesh: federated data-mesh gateway').showHelpAfterError();

program.command('start').description('start gateway, catalog subgraph and webhook endpoint').action(startCommand);

program
  .command('replay')
  .description('POST every *.json webhook body in a folder to a running DictaMesh')
  .argument('<dir>', 'folder of webhook bodies')
  .option('--url <url>', 'webhook endpoint', 'http://127.0.0.1:4002/webhooks/chatwoot/accounts/12')
  .action((dir: string, options: { url: string }) => replayCommand(dir, options));

await program.parseAsync();
