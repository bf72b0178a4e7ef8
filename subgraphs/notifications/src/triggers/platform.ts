import type { AdapterEvent, BusRecord } from '@dictamesh/events';

/** What a platform event (adapter health, a dead letter) tells: the notification type and its template variables. */
export interface PlatformNotice {
  /** `adapter.unhealthy`, `adapter.sync_failed` or `dlq.dead_letter`. */
  typeKey: string;
  variables: Record<string, unknown>;
}

/**
 * The notification an adapter event yields: `health.changed` reporting unhealthy (or the adapter
 * FAILED) → `adapter.unhealthy`; `sync.failed` → `adapter.sync_failed`; anything else → null.
 * @param data the event data, valid against its schema (the bus checked it)
 */
export function adapterNotice(data: AdapterEvent): PlatformNotice | null {
  if (data.event === 'health.changed' && (data.health?.healthy === false || data.status === 'FAILED')) {
    const message = data.health?.message ?? data.error ?? null;
    return {
      typeKey: 'adapter.unhealthy',
      variables: {
        adapterId: data.adapterId,
        kind: data.kind,
        status: data.status,
        occurredAt: data.occurredAt,
        ...(message ? { message } : {}),
      },
    };
  }
  if (data.event === 'sync.failed') {
    return {
      typeKey: 'adapter.sync_failed',
      variables: { adapterId: data.adapterId, kind: data.kind, occurredAt: data.occurredAt, ...(data.error ? { error: data.error } : {}) },
    };
  }
  return null;
}

/** A dead letter as notifications reads it from the DLQ record's `dlq-*` headers (packages/events/src/delivery.ts). */
export interface DeadLetterNotice extends PlatformNotice {
  /** Stable id of the dead letter (consumer group and original position): a redelivered DLQ record notifies once. */
  eventId: string;
  /** The original topic. */
  originalTopic: string;
}

/**
 * The `dlq.dead_letter` notification of a DLQ record: topic, consumer group, error and attempts
 * from its `dlq-*` headers, `occurredAt` when the DLQ took it; null when the headers are not
 * those of a dead letter.
 */
export function deadLetterNotice(record: Pick<BusRecord, 'headers' | 'timestamp' | 'partition' | 'offset'>): DeadLetterNotice | null {
  const h = record.headers;
  const topic = h['dlq-original-topic'];
  const consumerGroup = h['dlq-consumer-group'];
  const attempts = Number(h['dlq-attempts'] ?? 'NaN');
  if (!topic || !consumerGroup || !Number.isInteger(attempts)) return null;
  const position =
    h['dlq-original-partition'] !== undefined && h['dlq-original-offset'] !== undefined
      ? `${h['dlq-original-partition']}:${h['dlq-original-offset']}`
      : `dlq@${record.partition}:${record.offset}`;
  return {
    typeKey: 'dlq.dead_letter',
    eventId: `dlq:${consumerGroup}:${topic}:${position}`,
    originalTopic: topic,
    variables: {
      topic,
      consumerGroup,
      error: h['dlq-error'] || 'unknown error',
      attempts,
      occurredAt: new Date(record.timestamp).toISOString(),
    },
  };
}
