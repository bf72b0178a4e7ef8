import type { Command } from 'commander';
import { splitList } from '@dictamesh/runtime';
import { CliFailure, usage, type ExitCode } from '../../shell/failure';
import { connectionOf, type ConnectionOptions } from '../../shell/gateway';
import type { CliIo } from '../../shell/io';
import { tailGatewayEvents } from './gateway-tail';
import { tailEvents } from './tail';

/** Options of `dictamesh events tail`. */
export interface TailCommandOptions extends ConnectionOptions {
  topic?: string[];
  type?: string[];
  subject?: string;
  fromBeginning?: boolean;
  max?: number;
  timeout?: number;
}

/**
 * `dictamesh events tail`: one JSON line per event. With `KAFKA_BROKERS` set (and no
 * `--gateway` flag) it reads the topics from Kafka ({@link tailEvents}); otherwise — the
 * in-process bus, or `--gateway` given — it subscribes to the gateway's `entityChanged` over
 * graphql-sse with the caller's credentials ({@link tailGatewayEvents}). Stops after `--max`
 * events, `--timeout` seconds or Ctrl-C.
 * @param brokers `KAFKA_BROKERS` (comma-separated), or undefined
 * @throws CliFailure `USAGE` (`--topic` / `--from-beginning` through the gateway, a type that
 *   is not an entity change type there); `KAFKA_UNREACHABLE`; the gateway's refusal
 */
export async function eventsTailCommand(
  options: TailCommandOptions,
  command: Command,
  io: CliIo,
  brokersVariable: string | undefined = process.env.KAFKA_BROKERS,
  stop: Promise<void> = new Promise((resolve) => process.once('SIGINT', () => resolve())),
): Promise<ExitCode> {
  const brokers = brokersVariable ? splitList(brokersVariable) : [];
  const write = (line: string) => io.out(`${line}\n`);
  const limits = {
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
    ...(options.type ? { types: options.type } : {}),
    ...(options.subject ? { subjectPrefix: options.subject } : {}),
    write,
    signal: stop,
  };
  if (brokers.length === 0 || command.getOptionValueSource('gateway') === 'cli') {
    if (options.topic) throw usage('--topic reads Kafka (KAFKA_BROKERS): through the gateway the entity changes stream');
    if (options.fromBeginning) throw usage('--from-beginning reads Kafka (KAFKA_BROKERS): the gateway streams new changes only');
    await tailGatewayEvents({ connection: connectionOf(options), ...limits });
    return 0;
  }
  try {
    await tailEvents({
      brokers,
      ...(options.topic ? { topics: options.topic } : {}),
      fromBeginning: options.fromBeginning ?? false,
      ...limits,
    });
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    throw new CliFailure('KAFKA_UNREACHABLE', `${brokers.join(',')}: ${(error as Error).message}`);
  }
  return 0;
}
