import type { Prisma, PrismaClient } from '@dictamesh/db';
import type { BusRecord } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { meterEvent, type MeteredEvent } from './metrics';

/** `ParkedUsage.reason` of usage whose organisation billing does not know. */
export const PARKED_ORGANIZATION_UNKNOWN = 'organization_unknown';

/** Options of {@link recordUsage}. */
export interface RecordUsageOptions {
  /** Clock of the metering lag. */
  now: () => Date;
  /** Called with the number of events newly parked (organisation unknown), when there are any. */
  onParked?(count: number): void;
  /**
   * Called with the number of events newly metered, when there are any, and the metering lag
   * in ms: `now` − the instant the oldest of them is counted at (`MeteredEvent.occurredAt`).
   */
  onRecorded?(count: number, lagMs: number): void;
  /** Called with the number of events metered before (a replay or a redelivery), when there are any. */
  onDuplicates?(count: number): void;
}

/** What {@link recordUsage} did with a batch (counts of CloudEvents, not of usage rows). */
export interface RecordUsageResult {
  /** Events metered now. */
  recorded: number;
  /** Events metered or parked before (a redelivery, a replay, a repeat within the batch): nothing written. */
  duplicates: number;
  /** Events of unknown organisations parked now. */
  parked: number;
  /** Organisations known to billing that the batch has events of (for the threshold check). */
  orgIds: string[];
}

/**
 * Meters a batch of bus records (the consumer group's write), in one transaction: each
 * CloudEvent becomes its usage records ({@link meterEvent}), inserted with `ON CONFLICT DO
 * NOTHING` on (source, event id, metric), so a redelivered or replayed event counts once,
 * also across restarts and consumers. Events of organisations missing from
 * `dictamesh_organizations` are parked (`dictamesh_billing_parked_usage`, reason
 * `organization_unknown`, `parkedAt` = the instant the bus took the record), never dropped:
 * {@link releaseParkedUsage} meters them once the organisation exists. Every record is read
 * before anything is written, so a bad one leaves the whole batch unwritten.
 *
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable: the bus dead-letters the record) when
 *   a record is not a metered CloudEvent with valid data; database errors as thrown (retryable)
 */
export async function recordUsage(
  prisma: PrismaClient,
  records: readonly BusRecord[],
  options: RecordUsageOptions,
): Promise<RecordUsageResult> {
  const metered = dedupe(records.map((record) => ({ record, usage: meterEvent(record.event, new Date(record.timestamp)) })));
  if (metered.length === 0) return { recorded: 0, duplicates: 0, parked: 0, orgIds: [] };
  const orgIds = [...new Set(metered.map((m) => m.usage.orgId))];
  const result = await prisma.$transaction(async (tx) => {
    const known = new Set((await tx.organization.findMany({ where: { id: { in: orgIds } }, select: { id: true } })).map((o) => o.id));
    const meter = metered.filter((m) => known.has(m.usage.orgId)).map((m) => m.usage);
    const park = metered.filter((m) => !known.has(m.usage.orgId));
    const inserted = await insertUsage(tx, meter);
    const parked =
      park.length === 0
        ? 0
        : (
            await tx.parkedUsage.createMany({
              data: park.map(({ record, usage }) => ({
                source: usage.source,
                eventId: usage.eventId,
                orgId: usage.orgId,
                type: record.event.type,
                event: toJson(record.event),
                reason: PARKED_ORGANIZATION_UNKNOWN,
                parkedAt: new Date(record.timestamp),
              })),
              skipDuplicates: true,
            })
          ).count;
    return { inserted, parked, known };
  });
  const recorded = result.inserted.length;
  if (recorded > 0 && options.onRecorded) {
    const oldest = Math.min(...result.inserted.map((u) => u.occurredAt.getTime()));
    options.onRecorded(recorded, Math.max(0, options.now().getTime() - oldest));
  }
  if (result.parked > 0) options.onParked?.(result.parked);
  const duplicates = records.length - recorded - result.parked;
  if (duplicates > 0) options.onDuplicates?.(duplicates);
  return {
    recorded,
    duplicates,
    parked: result.parked,
    orgIds: orgIds.filter((id) => result.known.has(id)),
  };
}

/** Options of {@link releaseParkedUsage}. */
export interface ReleaseParkedOptions {
  /** Clock of `releasedAt`. Default: the system clock. */
  now?: () => Date;
  /** Parked events metered per transaction. Default 500. */
  batchSize?: number;
}

/**
 * Meters the parked usage of an organisation that now exists and marks it released
 * (`releasedAt`), a batch per transaction. Idempotent: released events are not read again, and
 * an event metered meanwhile (redelivered after the organisation was created) is not counted
 * twice. Entity changes count at the instant the bus took them (`parkedAt`).
 *
 * @returns the number of parked events released now and how many of them were newly metered
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN` when `orgId` is not in `dictamesh_organizations`
 */
export async function releaseParkedUsage(
  prisma: PrismaClient,
  orgId: string,
  options: ReleaseParkedOptions = {},
): Promise<{ released: number; recorded: number }> {
  const now = options.now ?? (() => new Date());
  if (!(await prisma.organization.findUnique({ where: { id: orgId }, select: { id: true } }))) {
    throw err('ORGANIZATION_UNKNOWN', `Organization ${orgId} does not exist.`, { orgId });
  }
  let released = 0;
  let recorded = 0;
  for (;;) {
    const batch = await prisma.$transaction(async (tx) => {
      const parked = await tx.parkedUsage.findMany({
        where: { orgId, releasedAt: null },
        orderBy: [{ parkedAt: 'asc' }, { source: 'asc' }, { eventId: 'asc' }],
        take: options.batchSize ?? 500,
      });
      if (parked.length === 0) return { released: 0, recorded: 0 };
      // the stored CloudEvents 1.0 JSON: the attributes meterEvent reads, as in the event object
      const usage = parked.map((p) => meterEvent(p.event as unknown as BusRecord['event'], p.parkedAt));
      const inserted = await insertUsage(tx, usage);
      const { count } = await tx.parkedUsage.updateMany({
        where: { orgId, releasedAt: null, OR: parked.map((p) => ({ source: p.source, eventId: p.eventId })) },
        data: { releasedAt: now() },
      });
      return { released: count, recorded: inserted.length };
    });
    if (batch.released === 0) return { released, recorded };
    released += batch.released;
    recorded += batch.recorded;
  }
}

/**
 * Inserts the usage rows of `events`, skipping those already there.
 * @returns the events whose rows were inserted now
 */
async function insertUsage(tx: Prisma.TransactionClient, events: readonly MeteredEvent[]): Promise<MeteredEvent[]> {
  if (events.length === 0) return [];
  const rows = events.flatMap((e) => e.values.map((v) => ({ e, v })));
  const column = <T>(of: (row: (typeof rows)[number]) => T) => rows.map(of);
  // one statement with a parameter per column (unnest), not per value: fast on PGlite too
  const inserted = await tx.$queryRaw<Array<{ source: string; event_id: string }>>`
    INSERT INTO dictamesh_billing_usage_records (source, event_id, metric_code, org_id, value, unique_key, occurred_at)
    SELECT * FROM unnest(
      ${column((r) => r.e.source)}::text[], ${column((r) => r.e.eventId)}::text[], ${column((r) => r.v.metricCode)}::text[],
      ${column((r) => r.e.orgId)}::text[], ${column((r) => r.v.value)}::numeric[], ${column((r) => r.v.uniqueKey ?? null)}::text[],
      ${column((r) => r.e.occurredAt.toISOString())}::timestamptz[])
    ON CONFLICT (source, event_id, metric_code) DO NOTHING
    RETURNING source, event_id`;
  const keys = new Set(inserted.map((r) => eventKey(r.source, r.event_id)));
  return events.filter((e) => keys.has(eventKey(e.source, e.eventId)));
}

/** Keeps the first of events with the same (source, id) in a batch. */
function dedupe<T extends { usage: MeteredEvent }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter(({ usage }) => {
    const key = eventKey(usage.source, usage.eventId);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const eventKey = (source: string, eventId: string) => `${source}\u0000${eventId}`;

/** A CloudEvent in the CloudEvents 1.0 JSON format, as a Prisma JSON value. */
function toJson(event: BusRecord['event']): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(event)) as Prisma.InputJsonValue;
}
