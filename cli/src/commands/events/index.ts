import type { Command } from 'commander';
import { commandGroup } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';
import { eventsTailCommand } from './tail';

/** `dictamesh events`: tail. */
export function eventsCommand(io: CliIo = processIo): Command {
  const events = commandGroup('events', 'inspect the event bus', io);
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
  return events;
}
