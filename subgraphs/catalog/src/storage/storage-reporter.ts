import type { PrismaClient } from '@dictamesh/db';
import { deterministicEventId, TOPICS, toDictaMeshEvent, type EventBus, type StorageUsage } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';

/** CloudEvent `source` of the storage measurements. */
export const STORAGE_REPORT_SOURCE = 'dictamesh:catalog';

/** A timer the reporter runs on (the real one by default; tests inject their own). */
export interface ReporterTimer {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Options of {@link startStorageReporter}. */
export interface StorageReporterOptions {
  prisma: PrismaClient;
  bus: EventBus;
  log: Logger;
  /** Time between reports, ms. Default 3 600 000 (1 h). */
  intervalMs?: number;
  /** Clock of `measuredAt`. Default: the system clock. */
  now?: () => Date;
  /** Default: `setInterval` / `clearInterval` (unref'd). */
  timer?: ReporterTimer;
}

/** A running storage reporter. */
export interface StorageReporter {
  /** Measures and publishes now (one report at a time: a call during a report waits for it). */
  report(): Promise<StorageUsage[]>;
  /** Stops the timer and waits for a report in flight. */
  stop(): Promise<void>;
}

const systemTimer: ReporterTimer = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * Reports the catalog storage of every organisation, for billing (`storage_gb`): at start and
 * then every `intervalMs`, measures per organisation the bytes of its rows in
 * `dictamesh_entity_catalog` and `dictamesh_event_log` (`pg_column_size` of each row, summed:
 * the data as stored, without indexes) and publishes one `dictamesh.usage.storage` CloudEvent
 * per organisation on the topic of that name, keyed by organisation, with the deterministic id
 * of (organisation, measurement time) and `source` {@link STORAGE_REPORT_SOURCE}. Organisations
 * of `dictamesh_organizations` without rows are reported with 0 bytes, so a deleted catalog
 * stops being billed. A failed report is logged and the next one tried at the next tick.
 *
 * @returns once the first report was made (or failed and was logged)
 */
export async function startStorageReporter(options: StorageReporterOptions): Promise<StorageReporter> {
  const timer = options.timer ?? systemTimer;
  const now = options.now ?? (() => new Date());
  let running: Promise<StorageUsage[]> | undefined;
  const report = (): Promise<StorageUsage[]> => {
    running ??= measureAndPublish(options, now()).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () =>
    report().catch((error: unknown) => {
      options.log.warn({ err: error }, 'catalog storage not reported; trying again at the next interval');
      return [];
    });
  await tick();
  const handle = timer.setInterval(() => void tick(), options.intervalMs ?? 3_600_000);
  return {
    report,
    async stop() {
      timer.clearInterval(handle);
      await running?.catch(() => undefined);
    },
  };
}

/** Measures the organisations' bytes and publishes them; returns what was published. */
async function measureAndPublish(options: StorageReporterOptions, measured: Date): Promise<StorageUsage[]> {
  const rows = await options.prisma.$queryRaw<Array<{ org_id: string; bytes: string }>>`
    SELECT org_id, sum(bytes)::text AS bytes FROM (
      SELECT t.org_id, sum(pg_column_size(t.*)) AS bytes FROM dictamesh_entity_catalog t GROUP BY t.org_id
      UNION ALL
      SELECT t.org_id, sum(pg_column_size(t.*)) AS bytes FROM dictamesh_event_log t GROUP BY t.org_id
      UNION ALL
      SELECT o.id, 0 FROM dictamesh_organizations o
    ) s GROUP BY org_id ORDER BY org_id`;
  const measuredAt = measured.toISOString();
  const usage = rows.map((r): StorageUsage => ({ org: r.org_id, bytes: Number(r.bytes), measuredAt }));
  if (usage.length === 0) return usage;
  await options.bus.publish(
    TOPICS.storageUsage,
    usage.map((data) => ({
      key: data.org,
      event: toDictaMeshEvent(TOPICS.storageUsage, data, {
        id: deterministicEventId('storage', data.org, measuredAt),
        source: STORAGE_REPORT_SOURCE,
        subject: data.org,
        org: data.org,
        time: measuredAt,
      }),
    })),
  );
  options.log.debug({ organisations: usage.length }, 'catalog storage reported');
  return usage;
}
