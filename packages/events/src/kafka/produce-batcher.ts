import type { Message, Producer } from 'kafkajs';
import type { RecordMetadata } from '../bus';

/** Options of {@link ProduceBatcher}. */
export interface ProduceBatcherOptions {
  /**
   * Wait this long (ms) after the first waiting call before sending, so more calls join the
   * request (Kafka's `linger.ms`). Default 0: calls that arrive while a request is in flight
   * are sent together with the next one, which already batches under concurrency.
   */
  lingerMs?: number;
  /**
   * Most bytes (key + value + headers, estimated) per produce request. Default 900 000, under
   * the broker's default `message.max.bytes` (1 048 588) per partition batch. A single call
   * larger than this is sent on its own.
   */
  maxRequestBytes?: number;
}

/** Messages with their partition already chosen (the bus partitions like the Java client). */
export type PartitionedMessage = Message & { partition: number };

interface Waiting {
  topic: string;
  messages: PartitionedMessage[];
  bytes: number;
  resolve(metadata: RecordMetadata[]): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent publishes into one produce request (`sendBatch`, acks all). With an
 * idempotent producer and one request in flight, every webhook waiting for its own ack would
 * otherwise cost a broker round trip each; here they share one. Each caller still resolves
 * only once the brokers acknowledged its records, with the offset of each record; when the
 * request fails, every caller in it rejects (and may retry: event ids make that idempotent).
 * Order is kept: calls are sent in arrival order and messages of one call stay together.
 */
export class ProduceBatcher {
  private readonly waiting: Waiting[] = [];
  private running = false;
  private readonly lingerMs: number;
  private readonly maxRequestBytes: number;

  constructor(
    private readonly producer: Producer,
    options: ProduceBatcherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 0;
    this.maxRequestBytes = options.maxRequestBytes ?? 900_000;
  }

  /** Sends the messages in the next produce request; resolves with where each landed. */
  send(topic: string, messages: PartitionedMessage[]): Promise<RecordMetadata[]> {
    if (messages.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ topic, messages, bytes: messages.reduce((n, m) => n + sizeOf(m), 0), resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.run();
      }
    });
  }

  private async run(): Promise<void> {
    if (this.lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lingerMs));
    while (this.waiting.length > 0) {
      const request = this.takeRequest();
      try {
        const acks = await this.producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(request) });
        // offsets: the base offset of each partition's block, in the order the messages were sent
        const next = new Map(acks.map((a) => [`${a.topicName}\u0000${a.partition}`, Number(a.baseOffset)]));
        for (const call of request) {
          call.resolve(
            call.messages.map(({ partition }) => {
              const key = `${call.topic}\u0000${partition}`;
              const offset = next.get(key) ?? -1;
              next.set(key, offset + 1);
              return { topic: call.topic, partition, offset };
            }),
          );
        }
      } catch (error) {
        for (const call of request) call.reject(error);
      }
    }
    this.running = false;
  }

  /** The waiting calls that fit in one request (always at least one). */
  private takeRequest(): Waiting[] {
    let bytes = 0;
    let count = 0;
    while (count < this.waiting.length && (count === 0 || bytes + this.waiting[count]!.bytes <= this.maxRequestBytes)) {
      bytes += this.waiting[count]!.bytes;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }
}

/** One entry per topic, messages in call order (so per-partition order is arrival order). */
function topicMessagesOf(request: readonly Waiting[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const call of request) {
    const list = byTopic.get(call.topic) ?? [];
    list.push(...call.messages);
    byTopic.set(call.topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function sizeOf(message: Message): number {
  let bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0) + 70; // record overhead
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + String(value ?? '').length;
  return bytes;
}
