import type { PrismaClient } from '@dictamesh/db';
import { assertEventData, toDictaMeshEvent, TOPICS, type EventBus, type OutgoingRecord } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import { RelayLoop } from '@dictamesh/subgraph-kit';
import { changeOf, type VersionRow } from './change-record';

/** CloudEvent `source` of configuration change events. */
export const CONFIG_SOURCE = 'dictamesh:config';

/**
 * Advisory lock key of the relay (`pg_try_advisory_xact_lock`): one relay publishes at a time,
 * so events leave in revision order even with several config instances.
 */
const RELAY_LOCK = 0x0dc0_f1a7;

/** Options of {@link ConfigChangeRelay}. */
export interface ConfigChangeRelayOptions {
  prisma: PrismaClient;
  bus: EventBus;
  log: Logger;
  /** The clock that stamps `publishedAt`. */
  now: () => Date;
  /** Versions per publish round (default 200). */
  batchSize?: number;
}

/**
 * The change log's relay (the transactional outbox pattern, on the version table itself): the
 * versions not yet published (`publishedAt` NULL), oldest revision first, go to
 * `dictamesh.config.changed` keyed by organisation (`platform` for the platform scope) as
 * CloudEvents with id `config-rev-<revision>`, and are then marked published in the same
 * transaction that claimed them (`FOR UPDATE SKIP LOCKED`, under one advisory lock so a second
 * instance never overtakes the first). A crash between publish and commit publishes a version
 * again (at least once; consumers dedupe by revision); a bus outage leaves the versions for the
 * next round. Call {@link flush} after commits; {@link start} also flushes on an interval.
 */
export class ConfigChangeRelay extends RelayLoop {
  constructor(private readonly options: ConfigChangeRelayOptions) {
    super(options.log, 'config change relay: publishing failed; the changes stay for the next round');
  }

  /** One claimed batch: publish, then mark published, in one transaction holding the row locks. */
  protected round(): Promise<number> {
    const limit = this.options.batchSize ?? 200;
    return this.options.prisma.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS "locked"`;
        if (!lock?.locked) return 0; // another instance is publishing; it goes on until none is left
        const rows = await tx.$queryRaw<(VersionRow & { id: string })[]>`
        SELECT "id", "org_id" AS "orgId", "environment", "service", "component", "key", "version", "revision",
               "operation"::text AS "operation", "kind"::text AS "kind", "value", "has_value" AS "hasValue",
               "rollback_of" AS "rollbackOf", "author", "reason", "request_id" AS "requestId", "created_at" AS "createdAt"
        FROM "dictamesh_config_versions" WHERE "published_at" IS NULL
        ORDER BY "revision" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const records: OutgoingRecord[] = rows.map((row) => {
          const data = changeOf(row);
          assertEventData(TOPICS.configChanged, data);
          return {
            key: row.orgId ?? 'platform',
            event: toDictaMeshEvent(TOPICS.configChanged, data, {
              source: CONFIG_SOURCE,
              id: `config-rev-${data.revision}`,
              ...(row.orgId === null ? {} : { org: row.orgId }),
              subject: `config:${data.key}`,
              time: data.occurredAt,
            }),
          };
        });
        await this.options.bus.publish(TOPICS.configChanged, records);
        await tx.configVersion.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { publishedAt: this.options.now() } });
        return rows.length;
      },
      { timeout: 60_000 },
    );
  }
}
