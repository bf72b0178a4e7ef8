import type { PrismaClient } from '@dictamesh/db';
import { assertEntityChange, ENTITY_TOPICS, type BusRecord, type Consumer, type EventBus } from '@dictamesh/events';
import { err, type Logger } from '@dictamesh/runtime';
import type { Embedder } from '../embeddings/embedder';
import { applyChange, type ApplyResult } from './apply-change';

/** The catalog's consumer group on the entity topics. */
export const CATALOG_CONSUMER_GROUP = 'dictamesh-catalog';

/** Options of {@link startCatalogIngest}. */
export interface CatalogIngestOptions {
  bus: EventBus;
  prisma: PrismaClient;
  embedder: Embedder;
  log: Logger;
  groupId?: string;
  /** Called after each record is handled (metrics, tests). */
  onApplied?: (result: ApplyResult, record: BusRecord) => void;
}

/**
 * Consumes `dictamesh.entity.created|updated|deleted` in the catalog's consumer group and
 * applies each change ({@link applyChange}); the offset is committed after the database
 * write. A record that is not a valid CloudEvent with EntityChange data is rejected as not
 * retryable and goes to the DLQ at once; database failures are retried by the bus first.
 */
export async function startCatalogIngest(options: CatalogIngestOptions): Promise<Consumer> {
  return options.bus.subscribe({
    groupId: options.groupId ?? CATALOG_CONSUMER_GROUP,
    topics: ENTITY_TOPICS,
    fromBeginning: true,
    eachMessage: async (record) => {
      const { event } = record;
      if (event.specversion !== '1.0' || typeof event.id !== 'string' || event.subject !== record.key) {
        throw err('BAD_USER_INPUT', `Record ${record.topic}/${record.partition}@${record.offset} is not an entity change CloudEvent`);
      }
      assertEntityChange(event.data);
      const result = await applyChange(options.prisma, options.embedder, event.data, {
        id: event.id,
        type: event.type,
        source: event.source,
        ...(typeof event.traceparent === 'string' ? { traceparent: event.traceparent } : {}),
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
      });
      options.log.debug({ urn: record.key, eventId: event.id, result }, 'entity change ingested');
      options.onApplied?.(result, record);
    },
  });
}
