import type { Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { Money } from '../money';

/** What {@link aggregateUsage} aggregates. */
export interface AggregateUsageQuery {
  orgId: string;
  /** Metrics to aggregate; default every billable metric. */
  metricCodes?: readonly string[];
  /** Period start, inclusive. */
  from: Date;
  /** Period end, exclusive (LATEST: a record at `to` counts). */
  to: Date;
}

/** Aggregation of each metric, as `dictamesh_billable_metrics.aggregation`. */
type Aggregation = 'COUNT' | 'SUM' | 'MAX' | 'UNIQUE_COUNT' | 'LATEST';

/**
 * The usage of one organisation in the period [`from`, `to`), one decimal string per metric
 * (`'0'` when there is none), by the metric's aggregation:
 * - `COUNT`: the number of usage records in the period;
 * - `SUM`: the sum of their values;
 * - `UNIQUE_COUNT`: the number of distinct `uniqueKey`s among them;
 * - `LATEST`: the value of the last record at or before `to`, carried in from before `from`
 *   when the period has none (a measured state, e.g. storage);
 * - `MAX`: records are states per `uniqueKey` (keyless records share one key); the level at an
 *   instant is the sum over keys of the value of each key's latest record at or before it
 *   (`active_adapters`: the number of adapters active then). The quantity is the most level at
 *   the period start (the state carried in) or at any instant of a record in the period.
 * Ties at one instant are resolved by recording time, then event id. Values are exact decimals
 * (DECIMAL(30,10)) without trailing zeros.
 *
 * @throws DictaMeshError `METRIC_UNKNOWN` when a code is not a billable metric
 */
export async function aggregateUsage(prisma: Prisma.TransactionClient, query: AggregateUsageQuery): Promise<Record<string, string>> {
  const metrics = await prisma.billableMetric.findMany({
    ...(query.metricCodes ? { where: { code: { in: [...query.metricCodes] } } } : {}),
    select: { code: true, aggregation: true },
  });
  const unknown = (query.metricCodes ?? []).filter((code) => !metrics.some((m) => m.code === code));
  if (unknown.length > 0) throw err('METRIC_UNKNOWN', `Unknown billable metric ${unknown.join(', ')}.`, { metricCodes: unknown });
  const result: Record<string, string> = {};
  const codesOf = (...kinds: Aggregation[]) => metrics.filter((m) => kinds.includes(m.aggregation)).map((m) => m.code);
  for (const m of metrics) result[m.code] = '0';
  const { orgId, from, to } = query;

  const inPeriod = codesOf('COUNT', 'SUM', 'UNIQUE_COUNT');
  if (inPeriod.length > 0) {
    const rows = await prisma.$queryRaw<Array<{ metric_code: string; n: string; total: string | null; keys: string }>>`
      SELECT metric_code, count(*)::text AS n, sum(value)::text AS total, count(DISTINCT unique_key)::text AS keys
      FROM dictamesh_billing_usage_records
      WHERE org_id = ${orgId} AND metric_code = ANY(${inPeriod}::text[])
        AND occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz
      GROUP BY metric_code`;
    for (const row of rows) {
      const kind = metrics.find((m) => m.code === row.metric_code)!.aggregation;
      result[row.metric_code] = decimal(kind === 'COUNT' ? row.n : kind === 'SUM' ? row.total : row.keys);
    }
  }

  const latest = codesOf('LATEST');
  if (latest.length > 0) {
    const rows = await prisma.$queryRaw<Array<{ metric_code: string; value: string }>>`
      SELECT DISTINCT ON (metric_code) metric_code, value::text AS value
      FROM dictamesh_billing_usage_records
      WHERE org_id = ${orgId} AND metric_code = ANY(${latest}::text[]) AND occurred_at <= ${to}::timestamptz
      ORDER BY metric_code, occurred_at DESC, recorded_at DESC, source DESC, event_id DESC`;
    for (const row of rows) result[row.metric_code] = decimal(row.value);
  }

  const max = codesOf('MAX');
  if (max.length > 0) {
    // each record's change of its key's state (value − the key's previous value), summed per
    // instant and accumulated in time order: the level after each instant
    const rows = await prisma.$queryRaw<Array<{ metric_code: string; value: string | null }>>`
      WITH changes AS (
        SELECT metric_code, occurred_at,
          value - COALESCE(lag(value) OVER (
            PARTITION BY metric_code, COALESCE(unique_key, '')
            ORDER BY occurred_at, recorded_at, source, event_id), 0) AS delta
        FROM dictamesh_billing_usage_records
        WHERE org_id = ${orgId} AND metric_code = ANY(${max}::text[]) AND occurred_at < ${to}::timestamptz
      ), instants AS (
        SELECT metric_code, occurred_at, sum(delta) AS delta FROM changes GROUP BY metric_code, occurred_at
      ), levels AS (
        SELECT metric_code, occurred_at, sum(delta) OVER (PARTITION BY metric_code ORDER BY occurred_at) AS level FROM instants
      ), carried AS (
        SELECT DISTINCT ON (metric_code) metric_code, level FROM levels
        WHERE occurred_at < ${from}::timestamptz ORDER BY metric_code, occurred_at DESC
      ), peak AS (
        SELECT metric_code, max(level) AS level FROM levels WHERE occurred_at >= ${from}::timestamptz GROUP BY metric_code
      )
      SELECT m.code AS metric_code, GREATEST(COALESCE(c.level, 0), COALESCE(p.level, 0))::text AS value
      FROM unnest(${max}::text[]) AS m(code)
      LEFT JOIN carried c ON c.metric_code = m.code
      LEFT JOIN peak p ON p.metric_code = m.code`;
    for (const row of rows) result[row.metric_code] = decimal(row.value);
  }
  return result;
}

/** A numeric as text without trailing zeros (`3.5000000000` → `3.5`); null → `0`. */
function decimal(text: string | null): string {
  return text === null ? '0' : new Money(text).toFixed();
}
