import type { Prisma } from '@dictamesh/db';
import { TOPICS } from '@dictamesh/events';
import type { UsageThresholdReached } from '../metering/thresholds';
import { enqueueEvent } from './outbox';

/**
 * Writes `dictamesh.billing.usage.threshold_reached` for an alert the metering raised, in the
 * alert's transaction. Its id is the alert's key (subscription, period, metric, threshold), so
 * the event is as unique as the alert.
 */
export function enqueueThresholdReached(tx: Prisma.TransactionClient, reached: UsageThresholdReached, now: Date): Promise<void> {
  return enqueueEvent(
    tx,
    TOPICS.usageThresholdReached,
    {
      org: reached.orgId,
      subscriptionId: reached.subscriptionId,
      metricCode: reached.metricCode,
      threshold: reached.threshold,
      usage: reached.usage,
      included: reached.included,
      periodStart: reached.periodStart.toISOString(),
      periodEnd: reached.periodEnd.toISOString(),
      occurredAt: now.toISOString(),
    },
    {
      org: reached.orgId,
      subject: `subscription:${reached.subscriptionId}`,
      id: `threshold:${reached.subscriptionId}:${reached.periodStart.toISOString()}:${reached.metricCode}:${reached.threshold}`,
      time: now,
    },
  );
}
