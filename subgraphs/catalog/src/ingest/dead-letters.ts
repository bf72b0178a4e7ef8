import type { PrismaClient } from '@dictamesh/db';
import { TOPICS } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import type { ConsumerSpec } from '@dictamesh/subgraph-kit';

/** The consumer group that records dead letters in the catalog. */
export const DEAD_LETTER_CONSUMER_GROUP = 'dictamesh-catalog-dlq';

/**
 * The consumer group that records every record of the DLQ topic (from any consumer group) in
 * `dictamesh_dead_letters`, once per DLQ position, so operators can list and replay them
 * through GraphQL (`deadLetters`, `replayDeadLetter`).
 */
export function deadLetterRecorder(options: {
  prisma: PrismaClient;
  log: Logger;
  dlqTopic?: string;
  /** Called with the number of new dead letters of each batch (metrics). */
  onRecorded?: (count: number) => void;
}): ConsumerSpec {
  return {
    groupId: DEAD_LETTER_CONSUMER_GROUP,
    topics: [options.dlqTopic ?? TOPICS.dlq],
    fromBeginning: true,
    write: async (records) => {
      const { count } = await options.prisma.deadLetter.createMany({
        skipDuplicates: true,
        data: records.map((r) => ({
          eventId: r.event.id,
          ...(typeof r.event.orgid === 'string' ? { orgId: r.event.orgid } : {}),
          eventType: r.event.type,
          subject: r.event.subject ?? null,
          event: JSON.parse(JSON.stringify(r.event.toJSON())),
          error: r.headers['dlq-error'] ?? 'unknown',
          attempts: Number(r.headers['dlq-attempts'] ?? 0),
          consumerGroup: r.headers['dlq-consumer-group'] ?? 'unknown',
          originalTopic: r.headers['dlq-original-topic'] ?? 'unknown',
          originalPartition: Number(r.headers['dlq-original-partition'] ?? -1),
          originalOffset: BigInt(r.headers['dlq-original-offset'] ?? -1),
          dlqTopic: r.topic,
          dlqPartition: r.partition,
          dlqOffset: BigInt(r.offset),
        })),
      });
      if (count > 0) options.log.warn({ deadLetters: count }, 'dead letters recorded');
      options.onRecorded?.(count);
    },
  };
}
