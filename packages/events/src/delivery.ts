import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { err } from '@dictamesh/runtime';
import type { BusRecord, OutgoingRecord, SubscribeOptions } from './bus';
import { consumeTraced } from './tracing';
import { assertValidEvent, isDictaMeshType } from './validate';

/** The defaults of {@link RetrySettings}. */
export const RETRY_DEFAULTS = { maxAttempts: 5, retryInitialDelayMs: 50 } as const;

/** Retry settings shared by every bus transport. */
export interface RetrySettings {
  /** Attempts per record (or batch) before it goes to the DLQ. Default 5. */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt with jitter, capped at 5 s. Default 50. */
  retryInitialDelayMs?: number;
}

/**
 * The retry policy of consumers (cockatiel): exponential backoff, bounded attempts; errors
 * that say `retryable: false` (an invalid event can never succeed) are not retried.
 */
export function consumerRetryPolicy(settings: RetrySettings): RetryPolicy {
  return retry(
    handleWhen((error) => (error as { retryable?: unknown }).retryable !== false),
    {
      maxAttempts: (settings.maxAttempts ?? RETRY_DEFAULTS.maxAttempts) - 1,
      backoff: new ExponentialBackoff({
        initialDelay: settings.retryInitialDelayMs ?? RETRY_DEFAULTS.retryInitialDelayMs,
        maxDelay: 5_000,
      }),
    },
  );
}

/** @throws Error unless exactly one of `eachMessage` and `eachBatch` is given (every transport checks this on subscribe). */
export function assertOneHandler(options: Pick<SubscribeOptions, 'eachMessage' | 'eachBatch'>): void {
  if (!options.eachMessage === !options.eachBatch) throw new Error('subscribe needs exactly one of eachMessage and eachBatch');
}

/** Sends one record that kept failing to the DLQ (with the error and attempt count). */
export type DeadLetter = (record: BusRecord, error: unknown, attempts: number) => Promise<void>;

/**
 * Delivers records to a subscriber's handler with the bus contract's failure handling:
 * records whose DictaMesh event fails its JSON Schema go to `deadLetter` at once (attempts 0,
 * the handler never sees them; records of the DLQ topic itself are passed through as they
 * are); the rest are retried per the policy; a batch that keeps failing is split and its
 * records delivered one by one, so only poison records reach `deadLetter`. Resolves when every
 * record is either handled or dead-lettered (then the caller commits the offsets).
 */
export async function deliver(
  options: Pick<SubscribeOptions, 'groupId' | 'eachMessage' | 'eachBatch'>,
  records: readonly BusRecord[],
  policy: RetryPolicy,
  deadLetter: DeadLetter,
  dlqTopic: string,
): Promise<void> {
  const valid: BusRecord[] = [];
  for (const record of records) {
    try {
      if (record.topic !== dlqTopic) assertValidEvent(record.event);
      valid.push(record);
    } catch (error) {
      await deadLetter(record, error, 0);
    }
  }
  if (valid.length > 0) await consumeTraced(options.groupId, valid, () => handleWithRetries(options, valid, policy, deadLetter));
}

async function handleWithRetries(
  options: Pick<SubscribeOptions, 'eachMessage' | 'eachBatch'>,
  records: readonly BusRecord[],
  policy: RetryPolicy,
  deadLetter: DeadLetter,
): Promise<void> {
  const handle = (batch: readonly BusRecord[]) => (options.eachBatch ? options.eachBatch(batch) : options.eachMessage!(batch[0]!));
  let attempts = 0;
  try {
    await policy.execute(() => {
      attempts += 1;
      return handle(records);
    });
  } catch (error) {
    if (records.length > 1) {
      for (const record of records) await handleWithRetries(options, [record], policy, deadLetter);
      return;
    }
    await deadLetter(records[0]!, error, attempts);
  }
}

/**
 * The produce-side check of every transport (the DLQ topic is exempt: it holds records as
 * they failed): DictaMesh events must be valid against their JSON Schema, and a `dictamesh.*`
 * topic only takes events of its own type.
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable); nothing of the call is published
 */
export function assertPublishable(topic: string, records: readonly OutgoingRecord[], dlqTopic: string): void {
  if (topic === dlqTopic) return;
  for (const { event } of records) {
    if (isDictaMeshType(topic) && event.type !== topic) {
      throw err('BAD_USER_INPUT', `Event ${event.id} of type ${event.type} cannot be published to topic ${topic}`);
    }
    assertValidEvent(event);
  }
}

/** DLQ headers of a dead-lettered record: the error, where it came from, and the attempts. */
export function deadLetterHeaders(record: BusRecord, groupId: string, error: unknown, attempts: number): Record<string, string> {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ...record.headers,
    'dlq-error': reason.slice(0, 2_000),
    'dlq-original-topic': record.topic,
    'dlq-original-partition': String(record.partition),
    'dlq-original-offset': String(record.offset),
    'dlq-consumer-group': groupId,
    'dlq-attempts': String(attempts),
  };
}
