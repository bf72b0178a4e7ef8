import { currency as isoCurrency, Money } from '../money';
import { priceCharge, type ChargeModel } from '../pricing';
import type { PrismaClient } from '@dictamesh/db';
import type { UsageSource } from '../invoices/generate';
import type { MetricUsageRecord, SubscriptionRecord } from '../graphql/records';

/** Aggregations whose value grows with time (projected linearly); MAX and LATEST are levels (projected as they are). */
const ACCUMULATING = new Set(['COUNT', 'SUM', 'UNIQUE_COUNT']);

/**
 * Usage of a subscription's current period so far, per charge of its plan: the aggregated
 * quantity, the share of the included units used, what it costs so far, and the quantity and
 * cost projected to the period end. Projection: accumulating metrics (COUNT, SUM,
 * UNIQUE_COUNT) at the rate so far (`quantity × period length ÷ elapsed`, elapsed at least one
 * hour so the first minutes of a period do not explode it); levels (MAX, LATEST) as they are now.
 *
 * @param now within the period (clamped to it)
 */
export async function currentUsage(
  prisma: PrismaClient,
  subscription: SubscriptionRecord,
  usage: UsageSource,
  now: Date,
): Promise<MetricUsageRecord[]> {
  const { plan } = subscription;
  const currency = isoCurrency(plan.currency);
  const start = subscription.currentPeriodStart;
  const end = subscription.currentPeriodEnd;
  const to = new Date(Math.min(Math.max(now.getTime(), start.getTime()), end.getTime()));
  const measured = await usage(subscription.orgId, [...new Set(plan.charges.map((c) => c.metricCode))], start, to, prisma);
  const elapsed = Math.max(to.getTime() - start.getTime(), 3_600_000);
  const scale = new Money(end.getTime() - start.getTime()).div(elapsed);
  return plan.charges.map((row) => {
    const charge = {
      id: row.id,
      metricCode: row.metricCode,
      description: row.description,
      pricing: row.pricing as unknown as ChargeModel,
      ...(row.includedUnits === null ? {} : { includedUnits: row.includedUnits.toString() }),
    };
    const quantity = new Money(measured[row.metricCode] ?? '0');
    const projected = ACCUMULATING.has(row.metric.aggregation) ? quantity.mul(scale).toDecimalPlaces(4) : quantity;
    const included = row.includedUnits === null ? null : new Money(row.includedUnits.toString());
    return {
      metric: row.metric,
      quantity: quantity.toString(),
      includedUnits: included?.toString() ?? null,
      allowanceUsedPercent: included && !included.isZero() ? quantity.div(included).mul(100).toDecimalPlaces(2).toNumber() : null,
      amount: { minor: priceCharge(charge, quantity, currency).amountMinor, currency: currency.code },
      projectedQuantity: projected.toString(),
      projectedAmount: { minor: priceCharge(charge, projected, currency).amountMinor, currency: currency.code },
      periodStart: start,
      periodEnd: end,
    };
  });
}
