import { randomUUID } from 'node:crypto';
import { ENTITY_TOPICS, KafkaEventBus, type BusRecord } from '@dictamesh/events';

/** Options of {@link tailEvents}. */
export interface TailOptions {
  brokers: string[];
  /** Topics to read (default: the entity topics). */
  topics?: string[];
  /** Only CloudEvents of these types. */
  types?: string[];
  /** Only CloudEvents whose subject (URN) starts with this. */
  subjectPrefix?: string;
  /** Read from the oldest retained record (else only new ones). */
  fromBeginning?: boolean;
  /** Stop after this many printed events. */
  max?: number;
  /** Stop after this many seconds. */
  timeoutSeconds?: number;
  /** Where each decoded event goes (one JSON object per call). */
  write: (line: string) => void;
  /** Resolves to stop early (Ctrl-C). */
  signal?: Promise<void>;
}

/** One decoded record as the inspector prints it. */
function describe(record: BusRecord): string {
  return JSON.stringify({
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    timestamp: new Date(record.timestamp).toISOString(),
    ...(Object.keys(record.headers).length ? { headers: record.headers } : {}),
    event: record.event.toJSON(),
  });
}

/**
 * The event inspector: reads topics in a throw-away consumer group, decodes each record
 * (CloudEvents Kafka binding, binary mode), filters by type and subject and writes one JSON
 * line per event. Stops after `max` events, `timeoutSeconds`, or `signal`.
 * @returns the number of events written
 * @throws kafkajs connection errors when the brokers do not answer
 */
export async function tailEvents(options: TailOptions): Promise<number> {
  const bus = new KafkaEventBus({ brokers: options.brokers, clientId: 'dictamesh-events-tail' });
  let written = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  try {
    await bus.subscribe({
      groupId: `dictamesh-events-tail-${randomUUID()}`,
      topics: options.topics?.length ? options.topics : [...ENTITY_TOPICS],
      fromBeginning: options.fromBeginning ?? false,
      eachMessage: async (record) => {
        if (options.max !== undefined && written >= options.max) return;
        if (options.types?.length && !options.types.includes(record.event.type)) return;
        if (options.subjectPrefix && !(record.event.subject ?? '').startsWith(options.subjectPrefix)) return;
        options.write(describe(record));
        written += 1;
        if (options.max !== undefined && written >= options.max) finish();
      },
    });
    const timer = options.timeoutSeconds ? setTimeout(finish, options.timeoutSeconds * 1000) : undefined;
    await Promise.race([finished, options.signal ?? new Promise(() => undefined)]);
    clearTimeout(timer);
    return written;
  } finally {
    await bus.close();
  }
}
