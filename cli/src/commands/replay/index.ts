import { InvalidArgumentError, Option, type Command } from 'commander';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';
import { replayCommand, type ReplayOptions } from './replay';
import { DEFAULT_WEBHOOKS_URL } from './url';

/** `--concurrency`: an integer from 1 to 64. */
function concurrency(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64) throw new InvalidArgumentError('not an integer from 1 to 64');
  return Number(text);
}

/** `dictamesh replay <dir>`: webhook bodies of a folder POSTed to a running DictaMesh. */
export function replayProgram(io: CliIo = processIo): Command {
  const run = runner(io);
  return withExamples(
    commandGroup('replay', 'POST every *.json webhook body of a folder to a running DictaMesh, as the source would', io)
      .argument('<dir>', 'folder of webhook bodies')
      .option('--account <n>', 'a Chatwoot account: <webhooks>/<kind>/accounts/<n> (development: unverified deliveries)')
      .option('--adapter <id>', 'a registered adapter: <webhooks>/<kind>/adapters/<id>')
      .option('--url <url>', 'the whole webhook URL instead')
      .option('--kind <kind>', 'adapter kind of the route', 'chatwoot')
      .addOption(new Option('--webhooks <url>', 'base of the webhook endpoint').env('DICTAMESH_WEBHOOKS_URL').default(DEFAULT_WEBHOOKS_URL))
      .option('--webhook-token <token>', "the adapter's webhook token (appended to the URL)")
      .addOption(
        new Option('--webhook-secret <secret>', "the adapter's webhook secret: signs each delivery").env('DICTAMESH_WEBHOOK_SECRET'),
      )
      .option('--concurrency <n>', 'deliveries at once (one entity’s stay in order)', concurrency, 4)
      .option('--verbose', 'print every delivery, not only the rejected ones')
      .action(run((dir: string, options: ReplayOptions) => replayCommand(dir, options, io))),
    'dictamesh replay fixtures/chatwoot/webhooks --account 12',
    'dictamesh replay ./exported --adapter cw-main --webhook-secret $CHATWOOT_WEBHOOK_SECRET --concurrency 8',
  );
}
