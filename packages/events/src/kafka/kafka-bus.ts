import type { RetryPolicy } from 'cockatiel';
import {
  AssignerProtocol,
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer as KafkaConsumer,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import type { Logger } from '@dictamesh/runtime';
import type { BusRecord, Consumer, EventBus, OutgoingRecord, RecordMetadata, SubscribeOptions } from '../bus';
import { assertOneHandler, assertPublishable, consumerRetryPolicy, deadLetterHeaders, deliver, type RetrySettings } from '../delivery';
import { TOPICS } from '../topics';
import { fromKafkaMessage, headersToStrings, toKafkaMessage } from './binding';
import { kafkaLogCreator } from './log';
import { ProduceBatcher } from './produce-batcher';
import { ensureTopics, type TopicSettings } from './topics';
import { publishTraced } from '../tracing';

/** Options of {@link KafkaEventBus}. */
export interface KafkaBusOptions extends RetrySettings {
  /** Bootstrap brokers, `host:port`. */
  brokers: readonly string[];
  clientId?: string;
  log?: Logger;
  /** Topics created at {@link KafkaEventBus.connect} (admin API), with their settings. */
  topics?: TopicSettings;
  /** DLQ topic. Default `dictamesh.dlq`. */
  dlqTopic?: string;
  /** Producer: attempts of one send before `publish` rejects (kafkajs retry). Default 8 (about 30 s). */
  producerRetries?: number;
  /** Broker connection timeout, ms. Default 3 000. */
  connectionTimeoutMs?: number;
  /** Consumer session timeout, ms: how long a silent member keeps its partitions. Default 30 000. */
  sessionTimeoutMs?: number;
  /**
   * Producer linger, ms: how long a publish waits for others to share its produce request.
   * Default 0 (publishes arriving while a request is in flight still share the next one).
   */
  producerLingerMs?: number;
}

/** The defaults of {@link KafkaBusOptions} the `dictamesh` command also offers as variables. */
export const KAFKA_BUS_DEFAULTS = { clientId: 'dictamesh', sessionTimeoutMs: 30_000, producerLingerMs: 0 } as const;

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The event bus on Kafka (or Redpanda) through kafkajs, holding the same contract as the
 * in-process bus:
 * - publish: records checked against their event JSON Schema, then sent by an idempotent
 *   producer, `acks: -1` (all in-sync replicas), one in-flight request shared by concurrent
 *   publishes ({@link ProduceBatcher}), records keyed by URN and partitioned like the Java
 *   client (murmur2), CloudEvents in binary mode; `publish` resolves only once the brokers
 *   acknowledged the records;
 * - subscribe: one kafkajs consumer per member, `autoCommit` off, offsets committed after
 *   the handler resolved for each batch, bounded retries then the DLQ topic with the error
 *   in headers; a record that is not a CloudEvent goes to the DLQ at once;
 * - stop: pause, let the batch in flight finish and commit, disconnect (leaves the group).
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly batcher: ProduceBatcher;
  private readonly admin: Admin;
  private readonly retryPolicy: RetryPolicy;
  private readonly dlqTopic: string;
  private readonly consumers = new Map<string, Set<KafkaConsumer>>();
  /** Topics each group subscribed to in this process (committed offsets may not exist yet). */
  private readonly groupTopics = new Map<string, Set<string>>();
  private readonly partitionCounts = new Map<string, number>();
  private connected?: Promise<void>;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? KAFKA_BUS_DEFAULTS.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(options.log),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: options.producerRetries ?? 8, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.batcher = new ProduceBatcher(this.producer, { lingerMs: options.producerLingerMs ?? KAFKA_BUS_DEFAULTS.producerLingerMs });
    this.admin = this.kafka.admin();
    this.retryPolicy = consumerRetryPolicy(options);
    this.dlqTopic = options.dlqTopic ?? TOPICS.dlq;
  }

  /**
   * Connects the producer and admin client and creates the configured topics that do not
   * exist yet. Called by the other methods; call it at start-up to fail fast.
   * @throws kafkajs connection errors (KafkaJSConnectionError, …)
   */
  connect(): Promise<void> {
    this.connected ??= (async () => {
      await Promise.all([this.producer.connect(), this.admin.connect()]);
      if (this.options.topics) await ensureTopics(this.admin, this.options.topics, this.options.log);
    })().catch((error) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  /** @throws DictaMeshError `BAD_USER_INPUT` for an invalid DictaMesh event (nothing sent); kafkajs errors once its retries are spent */
  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    assertPublishable(topic, records, this.dlqTopic);
    await this.connect();
    const partitions = await this.partitionCount(topic);
    return publishTraced(topic, records, (traced) => this.send(topic, partitions, traced));
  }

  private send(topic: string, partitions: number, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    const assigned = records.map((record) => {
      const message = toKafkaMessage(record);
      const partition = defaultPartitioner({
        topic,
        partitionMetadata: Array.from({ length: partitions }, (_, id) => ({
          partitionId: id,
          leader: 0,
          partitionErrorCode: 0,
          replicas: [0],
          isr: [0],
        })),
        message,
      });
      return { ...message, partition };
    });
    return this.batcher.send(topic, assigned);
  }

  async subscribe(options: SubscribeOptions): Promise<Consumer> {
    assertOneHandler(options);
    await this.connect();
    if (!options.fromBeginning) await this.startAtEnd(options.groupId, options.topics);
    const known = this.groupTopics.get(options.groupId) ?? new Set<string>();
    for (const topic of options.topics) known.add(topic);
    this.groupTopics.set(options.groupId, known);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? KAFKA_BUS_DEFAULTS.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? KAFKA_BUS_DEFAULTS.sessionTimeoutMs) / 3)),
      maxWaitTimeInMs: options.batchLingerMs ?? 100,
    });
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    const size = options.eachBatch ? (options.maxBatchSize ?? 500) : 1;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        for (let start = 0; start < batch.messages.length; start += size) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(start, start + size);
          const records = await this.decode(options.groupId, batch.topic, batch.partition, chunk);
          if (records.length > 0) {
            await deliver(
              options,
              records,
              this.retryPolicy,
              (record, error, attempts) => {
                this.options.log?.error(
                  { group: options.groupId, topic: record.topic, offset: record.offset, key: record.key, attempts, err: error },
                  'record sent to DLQ',
                );
                return this.sendToDlq(
                  toKafkaMessage({
                    key: record.key,
                    event: record.event,
                    headers: deadLetterHeaders(record, options.groupId, error, attempts),
                  }),
                );
              },
              this.dlqTopic,
            );
          }
          const last = chunk[chunk.length - 1]!.offset;
          resolveOffset(last);
          // commit through the batch's own hook: unlike consumer.commitOffsets it still commits
          // while the consumer is stopping, so a drained batch is never handled twice
          await commitOffsetsIfNecessary({
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(last) + 1) }] }],
          });
          await heartbeat();
        }
      },
    });
    await joined;
    const members = this.consumers.get(options.groupId) ?? new Set();
    members.add(consumer);
    this.consumers.set(options.groupId, members);
    return {
      stop: async () => {
        consumer.pause(options.topics.map((topic) => ({ topic })));
        await consumer.disconnect(); // waits for the batch in flight, then leaves the group
        members.delete(consumer);
      },
    };
  }

  async seek(groupId: string, topic: string, partition: number, offset: number): Promise<void> {
    await this.connect();
    const running = [...(this.consumers.get(groupId) ?? [])];
    if (running.length > 0) {
      for (const consumer of running) consumer.seek({ topic, partition, offset: String(offset) });
      return;
    }
    await this.admin.setOffsets({ groupId, topic, partitions: [{ partition, offset: String(offset) }] });
  }

  async lag(groupId: string): Promise<number> {
    await this.connect();
    const topics = await this.topicsOf(groupId);
    if (topics.length === 0) return 0;
    const committed = await this.admin.fetchOffsets({ groupId, topics });
    let lag = 0;
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const position = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        lag += Number(end.high) - (position >= 0 ? position : Number(end.low));
      }
    }
    return lag;
  }

  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    await this.connect();
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((offsets?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers.values()].flatMap((set) => [...set].map((c) => c.disconnect())));
    this.consumers.clear();
    if (this.connected) await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = undefined;
  }

  /**
   * Topics a group consumes: those subscribed in this process, those its live members
   * subscribed to (group metadata), and those it has committed offsets on.
   */
  private async topicsOf(groupId: string): Promise<string[]> {
    const topics = new Set(this.groupTopics.get(groupId) ?? []);
    const { groups } = await this.admin.describeGroups([groupId]);
    for (const member of groups[0]?.members ?? []) {
      if (member.memberMetadata.length > 0)
        for (const topic of AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? []) topics.add(topic);
    }
    for (const { topic } of await this.admin.fetchOffsets({ groupId })) topics.add(topic);
    return [...topics];
  }

  /** Makes a group without committed offsets start at the current end (records published from now on). */
  private async startAtEnd(groupId: string, topics: readonly string[]): Promise<void> {
    const committed = await this.admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      if (partitions.some((p) => Number(p.offset) >= 0)) continue;
      const ends = await this.admin.fetchTopicOffsets(topic);
      await this.admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    }
  }

  /** Decodes a chunk; messages that are not CloudEvents go to the DLQ at once. */
  private async decode(groupId: string, topic: string, partition: number, messages: KafkaMessage[]): Promise<BusRecord[]> {
    const records: BusRecord[] = [];
    for (const message of messages) {
      try {
        records.push(fromKafkaMessage(topic, partition, message));
      } catch (error) {
        if (topic === this.dlqTopic) {
          // never dead-letter from the DLQ itself (that would loop); skip and say so
          this.options.log?.error(
            { group: groupId, topic, partition, offset: message.offset, err: error },
            'undecodable DLQ record skipped',
          );
          continue;
        }
        this.options.log?.error({ group: groupId, topic, partition, offset: message.offset, err: error }, 'undecodable record sent to DLQ');
        await this.sendToDlq({
          key: message.key,
          value: message.value,
          headers: {
            ...headersToStrings(message.headers),
            'dlq-error': `not a CloudEvent: ${(error as Error).message}`.slice(0, 2_000),
            'dlq-original-topic': topic,
            'dlq-original-partition': String(partition),
            'dlq-original-offset': message.offset,
            'dlq-consumer-group': groupId,
            'dlq-attempts': '1',
          },
        });
      }
    }
    return records;
  }

  private async sendToDlq(message: Message): Promise<void> {
    await this.producer.send({ topic: this.dlqTopic, acks: -1, messages: [message] });
  }

  private async partitionCount(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (count === undefined) {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
      count = metadata.topics[0]?.partitions.length ?? 1;
      this.partitionCounts.set(topic, count);
    }
    return count;
  }
}
