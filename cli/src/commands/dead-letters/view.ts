/** `DeadLetter` as the dead-letter commands select it. */
export interface DeadLetterView {
  id: string;
  eventId: string;
  eventType: string;
  subject: string | null;
  error: string;
  attempts: number;
  consumerGroup: string;
  topic: string;
  partition: number;
  offset: string;
  status: string;
  createdAt: string;
  resolvedAt: string | null;
}

/** The GraphQL selection of a {@link DeadLetterView}. */
export const DEAD_LETTER_FIELDS =
  'id eventId eventType subject error attempts consumerGroup topic partition offset status createdAt resolvedAt';

/** The dead-letter statuses (`DeadLetterStatus`). */
export const DEAD_LETTER_STATUSES = ['PENDING', 'REPLAYED', 'DISCARDED'] as const;

/**
 * The Kafka headers the dead-letter queue put on the record (packages/events `delivery.ts`), as
 * the catalog stored them: `dlq-error`, `dlq-consumer-group`, `dlq-attempts`,
 * `dlq-original-topic`, `dlq-original-partition`, `dlq-original-offset`.
 */
export function dlqHeaders(letter: DeadLetterView): Array<[string, string]> {
  return [
    ['dlq-error', letter.error],
    ['dlq-consumer-group', letter.consumerGroup],
    ['dlq-attempts', String(letter.attempts)],
    ['dlq-original-topic', letter.topic],
    ['dlq-original-partition', String(letter.partition)],
    ['dlq-original-offset', letter.offset],
  ];
}
