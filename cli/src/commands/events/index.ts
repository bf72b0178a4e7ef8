import { InvalidArgumentError, type Command } from 'commander';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { withConnectionOptions } from '../../shell/gateway';
import { processIo, type CliIo } from '../../shell/io';
import { eventsTailCommand, type TailCommandOptions } from './tail-command';

/** A positive integer argument (`--max`, `--timeout`). */
function positive(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('not a positive integer');
  return Number(text);
}

/** `dictamesh events`: tail (Kafka, or the gateway's subscription stream). */
export function eventsCommand(io: CliIo = processIo): Command {
  const events = commandGroup('events', 'inspect the event bus', io);
  const run = runner(io);
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  withExamples(
    withConnectionOptions(
      events
        .command('tail')
        .description(
          'print events as JSON lines: from Kafka when KAFKA_BROKERS is set, else (or with --gateway) the entity changes the gateway streams',
        ),
    ),
    'dictamesh events tail --type dictamesh.entity.created --subject dictamesh:chatwoot: --max 10',
    'KAFKA_BROKERS=127.0.0.1:9092 dictamesh events tail --topic dictamesh.dlq --from-beginning --timeout 30',
  )
    .option('--topic <name>', 'Kafka only: topic to read (repeatable; default: the entity topics)', collect)
    .option('--type <type>', 'only CloudEvents of this type, e.g. dictamesh.entity.created (repeatable)', collect)
    .option('--subject <prefix>', 'only events whose subject (URN) starts with this')
    .option('--from-beginning', 'Kafka only: read from the oldest retained record')
    .option('--max <n>', 'stop after n events', positive)
    .option('--timeout <seconds>', 'stop after this many seconds', positive)
    .action(run((options: TailCommandOptions, command: Command) => eventsTailCommand(options, command, io)));
  return events;
}
