import type { Database, Prisma } from '@dictamesh/db';
import { assertEventData, toDictaMeshEvent, TOPICS, type EventBus, type OutgoingRecord } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import { OutboxRelayLoop } from '@dictamesh/subgraph-kit';
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
  db: Pick<Database, 'kind' | 'prisma'>;
  bus: EventBus;
  log: Logger;
  /** The clock that stamps `publishedAt`. */
  now: () => Date;
  /** Versions per publish round (default 200). */
  batchSize?: number;
}

/** A claimed batch of unpublished versions: their ids and events. */
interface ConfigBatch {
  count: number;
  ids: string[];
  records: OutgoingRecord[];
}

/**
 * The change log's relay (the transactional outbox pattern, on the version table itself): the
 * versions not yet published (`publishedAt` NULL), oldest revision first, go to
 * `dictamesh.config.changed` keyed by organisation (`platform` for the platform scope) as
 * CloudEvents with id `config-rev-<revision>`, and are then marked published in the same
 * transaction that claimed them (`FOR UPDATE SKIP LOCKED`, under one advisory lock so a second
 * instance never overtakes the first; on PGlite in steps, see {@link OutboxRelayLoop}). A crash between publish and commit publishes a version
 * again (at least once; consumers dedupe by revision); a bus outage leaves the versions for the
 * next round. Call {@link flush} after commits; {@link start} also flushes on an interval.
 */
export class ConfigChangeRelay extends OutboxRelayLoop<ConfigBatch> {
  constructor(private readonly options: ConfigChangeRelayOptions) {
    super({
      db: options.db,
      log: options.log,
      failure: 'config change relay: publishing failed; the changes stay for the next round',
      transaction: { timeout: 60_000 },
    });
  }

  protected async claim(tx: Prisma.TransactionClient): Promise<ConfigBatch | undefined> {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS "locked"`;
    if (!lock?.locked) return undefined; // another instance is publishing; it goes on until none is left
    const rows = await tx.$queryRaw<(VersionRow & { id: string })[]>`
      SELECT "id", "org_id" AS "orgId", "environment", "service", "component", "key", "version", "revision",
             "operation"::text AS "operation", "kind"::text AS "kind", "value", "has_value" AS "hasValue",
             "rollback_of" AS "rollbackOf", "author", "reason", "request_id" AS "requestId", "created_at" AS "createdAt"
      FROM "dictamesh_config_versions" WHERE "published_at" IS NULL
      ORDER BY "revision" LIMIT ${this.options.batchSize ?? 200} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return undefined;
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
    return { count: rows.length, ids: rows.map((r) => r.id), records };
  }

  protected async publish(batch: ConfigBatch): Promise<void> {
    await this.options.bus.publish(TOPICS.configChanged, batch.records);
  }

  protected async settle(tx: Prisma.TransactionClient, batch: ConfigBatch): Promise<void> {
    await tx.configVersion.updateMany({ where: { id: { in: batch.ids } }, data: { publishedAt: this.options.now() } });
  }
}
