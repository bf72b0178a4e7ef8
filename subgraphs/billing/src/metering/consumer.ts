import type { PrismaClient } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import type { ConsumerSpec } from '@dictamesh/subgraph-kit';
import { METERED_TYPES } from './metrics';
import { recordUsage, type RecordUsageOptions } from './record-usage';
import { checkUsageThresholds, type ThresholdEmitter } from './thresholds';

/** Billing's consumer group on the usage topics. */
export const BILLING_METERING_CONSUMER_GROUP = 'dictamesh-billing-metering';

/** Options of {@link billingMetering}. */
export interface BillingMeteringOptions extends Partial<Pick<RecordUsageOptions, 'onParked' | 'onRecorded' | 'onDuplicates'>> {
  prisma: PrismaClient;
  log: Logger;
  /** Clock (metering lag, current period of the thresholds). Default: the system clock. */
  now?: () => Date;
  /** Announces usage thresholds reached (80 %, 100 % of included units); without it thresholds are not checked. */
  emit?: ThresholdEmitter;
  groupId?: string;
  /** Most records metered in one transaction. Default 500. */
  maxBatchSize?: number;
  /** How long (ms) a partial batch waits for more records. Default 20. */
  batchLingerMs?: number;
}

/**
 * Billing's metering (a consumer group for the subgraph kit): consumes
 * `dictamesh.usage.operation`, the entity change topics, `dictamesh.adapter.event` and
 * `dictamesh.usage.storage` in the group `dictamesh-billing-metering` and meters each batch in
 * one transaction ({@link recordUsage}: idempotent per CloudEvent source + id + metric, so a
 * redelivery counts once); offsets are committed after it. A record that is not a metered
 * CloudEvent with valid data fails its batch as not retryable: the bus retries the records one
 * by one and dead-letters only the bad one. After each batch the usage thresholds of the
 * batch's organisations are checked ({@link checkUsageThresholds}); a failed check fails the
 * batch, which is then delivered again (metering it again is a no-op).
 */
export function billingMetering(options: BillingMeteringOptions): ConsumerSpec {
  const now = options.now ?? (() => new Date());
  return {
    groupId: options.groupId ?? BILLING_METERING_CONSUMER_GROUP,
    topics: METERED_TYPES,
    fromBeginning: true,
    maxBatchSize: options.maxBatchSize ?? 500,
    batchLingerMs: options.batchLingerMs ?? 20,
    write: async (records) => {
      const result = await recordUsage(options.prisma, records, {
        now,
        ...(options.onParked ? { onParked: options.onParked } : {}),
        ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}),
        ...(options.onDuplicates ? { onDuplicates: options.onDuplicates } : {}),
      });
      const { recorded, duplicates, parked } = result;
      options.log.debug({ records: records.length, recorded, duplicates, parked }, 'usage metered');
      if (options.emit && result.orgIds.length > 0) {
        const raised = await checkUsageThresholds(options.prisma, result.orgIds, { now, emit: options.emit });
        if (raised.length > 0) options.log.info({ alerts: raised.length }, 'usage thresholds reached');
      }
    },
  };
}
