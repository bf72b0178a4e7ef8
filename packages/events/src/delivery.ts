import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { BusRecord, SubscribeOptions } from './bus';

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
      maxAttempts: (settings.maxAttempts ?? 5) - 1,
      backoff: new ExponentialBackoff({ initialDelay: settings.retryInitialDelayMs ?? 50, maxDelay: 5_000 }),
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
 * retries per the policy; a batch that keeps failing is split and its records delivered one
 * by one, so only poison records reach `deadLetter`. Resolves when every record is either
 * handled or dead-lettered (then the caller commits the offsets).
 */
export async function deliver(
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
      for (const record of records) await deliver(options, [record], policy, deadLetter);
      return;
    }
    await deadLetter(records[0]!, error, attempts);
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
