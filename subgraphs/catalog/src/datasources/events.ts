import { Prisma, type PrismaClient } from '@dictamesh/db';
import type { EventRecord } from './records';

/** Key of the event loader: the newest `last` events of one entity. */
export interface EventsKey {
  urn: string;
  last: number;
}

/**
 * The newest events of many entities of organisation `org` (another organisation's events of
 * the same URNs are its own): one windowed query per distinct `last` value.
 * Results follow `keys`, newest first.
 */
export async function eventsOf(prisma: PrismaClient, org: string, keys: readonly EventsKey[]): Promise<EventRecord[][]> {
  const out = new Map<string, EventRecord[]>();
  for (const last of new Set(keys.map((k) => k.last))) {
    const urns = [...new Set(keys.filter((k) => k.last === last).map((k) => k.urn))];
    const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT seq, org_id, event_id, event_type, source, subject, operation, occurred_at, before, after,
             trace_id, topic, partition, "offset", recorded_at
      FROM (
        SELECT *, row_number() OVER (PARTITION BY subject ORDER BY seq DESC) AS rn
        FROM dictamesh_event_log WHERE org_id = ${org} AND subject IN (${Prisma.join(urns)})
      ) ranked
      WHERE rn <= ${last}
      ORDER BY subject, seq DESC`;
    for (const row of rows) {
      const record: EventRecord = {
        seq: BigInt(row.seq as string | number | bigint),
        orgId: row.org_id as string,
        eventId: row.event_id as string,
        eventType: row.event_type as string,
        source: row.source as string,
        subject: row.subject as string,
        operation: row.operation as string,
        occurredAt: new Date(row.occurred_at as string | Date),
        before: (row.before ?? null) as EventRecord['before'],
        after: (row.after ?? null) as EventRecord['after'],
        traceId: (row.trace_id as string | null) ?? null,
        topic: (row.topic as string | null) ?? null,
        partition: (row.partition as number | null) ?? null,
        offset: row.offset == null ? null : BigInt(row.offset as string | number | bigint),
        recordedAt: new Date(row.recorded_at as string | Date),
      };
      const key = `${last}|${record.subject}`;
      const list = out.get(key) ?? [];
      list.push(record);
      out.set(key, list);
    }
  }
  return keys.map((k) => out.get(`${k.last}|${k.urn}`) ?? []);
}
