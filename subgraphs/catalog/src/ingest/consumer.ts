import type { PrismaClient } from '@dictamesh/db';
import { ENTITY_TOPICS, type BusRecord, type EntityChange } from '@dictamesh/events';
import { err, type Logger } from '@dictamesh/runtime';
import type { ConsumerSpec } from '@dictamesh/subgraph-kit';
import type { Embedder } from '../embeddings/embedder';
import { applyChanges, type ApplyResult, type ChangeItem } from './apply-change';

/** The catalog's consumer group on the entity topics. */
export const CATALOG_CONSUMER_GROUP = 'dictamesh-catalog';

/** Options of {@link catalogIngest}. */
export interface CatalogIngestOptions {
  prisma: PrismaClient;
  embedder: Embedder;
  log: Logger;
  groupId?: string;
  /** Most records applied in one transaction. Default 500. */
  maxBatchSize?: number;
  /** How long (ms) a partial batch waits for more records. Default 20. */
  batchLingerMs?: number;
  /** Called after each record is handled (metrics, tests). */
  onApplied?: (result: ApplyResult, record: BusRecord) => void;
}

/**
 * The catalog's ingest (a consumer group for the subgraph kit): consumes
 * `dictamesh.entity.created|updated|deleted` in the catalog's consumer group and applies the
 * changes batch by batch ({@link applyChanges}, one transaction per batch); the
 * offsets are committed after the database write. A record that is not a valid CloudEvent
 * with EntityChange data fails its batch as not retryable: the bus then applies the batch's
 * records one by one and dead-letters only the bad one. Database failures are retried first.
 * Each change applies within its event's organisation (CloudEvent `orgid`): see {@link applyChanges}.
 */
export function catalogIngest(options: CatalogIngestOptions): ConsumerSpec {
  return {
    groupId: options.groupId ?? CATALOG_CONSUMER_GROUP,
    topics: ENTITY_TOPICS,
    fromBeginning: true,
    maxBatchSize: options.maxBatchSize ?? 500,
    batchLingerMs: options.batchLingerMs ?? 20,
    write: async (records) => {
      const items = records.map(toChangeItem);
      const results = await applyChanges(options.prisma, options.embedder, items);
      options.log.debug({ records: records.length, applied: results.filter((r) => r === 'applied').length }, 'entity changes ingested');
      if (options.onApplied) results.forEach((result, i) => options.onApplied!(result, records[i]!));
    },
  };
}

/**
 * Reads a bus record as an entity change.
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable) when the record is not a CloudEvent
 *   1.0 of an entity change type whose subject is its key (its data was checked against the
 *   EntityChange JSON Schema by the bus when the record reached this process)
 */
function toChangeItem(record: BusRecord): ChangeItem {
  const { event } = record;
  // an entity change type: then the bus has checked the data against its JSON Schema on receipt
  const entityType = (ENTITY_TOPICS as readonly string[]).includes(event.type);
  if (!entityType || event.specversion !== '1.0' || typeof event.id !== 'string' || event.subject !== record.key) {
    throw err('BAD_USER_INPUT', `Record ${record.topic}/${record.partition}@${record.offset} is not an entity change CloudEvent`);
  }
  return {
    change: event.data as EntityChange,
    envelope: {
      id: event.id,
      type: event.type,
      source: event.source,
      ...(typeof event.orgid === 'string' ? { org: event.orgid } : {}),
      ...(typeof event.traceparent === 'string' ? { traceparent: event.traceparent } : {}),
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
    },
  };
}
