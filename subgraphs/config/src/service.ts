import type { FastifyInstance } from 'fastify';
import type { DictaMeshSetting } from '@dictamesh/config-client';
import type { Database } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { GatewayTokens, Logger, ServerLimits } from '@dictamesh/runtime';
import { Keyring, type KeyManager, type SecretSealer } from '@dictamesh/secrets';
import { createSubgraphService, tableReadiness } from '@dictamesh/subgraph-kit';
import { compactConfigHistory, DEFAULT_HISTORY_KEEP_VERSIONS, type CompactionResult } from './changes/compaction';
import { ConfigChangeRelay } from './changes/relay';
import type { ConfigServices } from './context';
import { createConfigMetrics } from './metrics';
import { ResolveCache } from './resolve/resolve';
import { buildConfigSchema } from './schema';
import { purgeExpiredWatchers } from './watchers/watchers';
import { seedSettingSchemas } from './seed/settings';

/** Config's tables besides `dictamesh_config_*`. */
const CONFIG_TABLES = ['dictamesh_configurations', 'dictamesh_encryption_keys'];

/** Options of {@link createConfigService}. */
export interface ConfigServiceOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  /** Serve introspection (development). */
  introspection: boolean;
  /** Verifies the gateway's principal token on every `/graphql` request (401 without); unset: every caller is anonymous and trusted (tests). */
  gatewayTokens?: GatewayTokens;
  serverLimits?: ServerLimits;
  /** Envelope encryption of secret values (a `Keyring` of @dictamesh/secrets). */
  secrets: SecretSealer;
  /** Administration of the key ring; default: `secrets` itself when it is a `Keyring`. */
  keys?: KeyManager;
  /** The clock (tests inject one). */
  now?: () => Date;
  /** Versions kept per entry by compaction (`CONFIG_HISTORY_KEEP_VERSIONS`, default 100). */
  historyKeepVersions?: number;
  /** How often the change log is compacted, ms (default 1 h); 0 = only when `compactHistory()` is called. */
  compactionIntervalMs?: number;
  /** How often the relay publishes besides right after commits, ms (default 5 000). */
  relayIntervalMs?: number;
  /** How often watchers expired for longer than `watcherRetentionMs` are deleted, ms (default 1 h); 0 = never. */
  watcherPurgeIntervalMs?: number;
  /** How long an expired watcher stays listed (`includeExpired`) before it is purged, ms (default 24 h). */
  watcherRetentionMs?: number;
  /** DictaMesh's own settings (`DICTAMESH_SETTINGS` of @dictamesh/config-client) whose schemas are seeded at start when absent (`seedSettingSchemas`); default none. */
  settings?: readonly DictaMeshSetting[];
}

/** The key ring's administration: `keys`, else `secrets` when it is a {@link Keyring}. */
function keysOf(options: Pick<ConfigServiceOptions, 'keys' | 'secrets'>): KeyManager | undefined {
  return options.keys ?? (options.secrets instanceof Keyring ? options.secrets : undefined);
}

/** Defaults of the config service's timers. */
export const CONFIG_DEFAULTS = {
  historyKeepVersions: DEFAULT_HISTORY_KEEP_VERSIONS,
  compactionIntervalMs: 3_600_000,
  relayIntervalMs: 5_000,
  watcherPurgeIntervalMs: 3_600_000,
  watcherRetentionMs: 86_400_000,
} as const;

/** A running config subgraph. */
export interface ConfigService {
  app: FastifyInstance;
  services: ConfigServices;
  /** Publishes the change log (`dictamesh.config.changed`). */
  relay: ConfigChangeRelay;
  /** Compacts the change log now (keeps `historyKeepVersions` per entry). */
  compactHistory(): Promise<CompactionResult>;
  /** Deletes the watchers expired for longer than `watcherRetentionMs`; returns how many. */
  purgeWatchers(): Promise<number>;
  /** Stops the timers and HTTP, then publishes what is left. */
  close(): Promise<void>;
}

/**
 * Builds the config subgraph on the subgraph kit: the Federation 2 schema of
 * `schemas/subgraphs/config.graphql` (hierarchical configuration, versions, audit, watchers,
 * feature flags, the key ring). Listening is left to the caller.
 */
export async function createConfigService(options: ConfigServiceOptions): Promise<ConfigService> {
  const { db, bus, logger } = options;
  const now = options.now ?? (() => new Date());
  const relay = new ConfigChangeRelay({ db, bus, log: logger.child({ component: 'config-relay' }), now });
  const keys = keysOf(options);
  const services: ConfigServices = {
    prisma: db.prisma,
    now,
    secrets: options.secrets,
    ...(keys ? { keys } : {}),
    publishChanges: () => void relay.flush(),
    resolveCache: new ResolveCache(),
    log: logger,
  };
  if (options.settings?.length) await seedSettingSchemas(services, options.settings);
  const service = await createSubgraphService({
    schema: buildConfigSchema(),
    logger,
    introspection: options.introspection,
    ...(options.gatewayTokens ? { gatewayTokens: options.gatewayTokens } : {}),
    ...(options.serverLimits ? { serverLimits: options.serverLimits } : {}),
    context: () => services,
    // its own tables only
    readiness: { database: tableReadiness(db, (table) => table.startsWith('dictamesh_config') || CONFIG_TABLES.includes(table)) },
    registry: createConfigMetrics(db.prisma, now),
    bus,
  });
  const keep = options.historyKeepVersions ?? CONFIG_DEFAULTS.historyKeepVersions;
  const compactHistory = () => compactConfigHistory(db.prisma, keep);
  const retentionMs = options.watcherRetentionMs ?? CONFIG_DEFAULTS.watcherRetentionMs;
  const purgeWatchers = () => purgeExpiredWatchers(db.prisma, new Date(now().getTime() - retentionMs));
  const timers = [
    every(options.compactionIntervalMs ?? CONFIG_DEFAULTS.compactionIntervalMs, compactHistory, 'config history compaction failed', logger),
    every(options.watcherPurgeIntervalMs ?? CONFIG_DEFAULTS.watcherPurgeIntervalMs, purgeWatchers, 'config watcher purge failed', logger),
  ];
  relay.start(options.relayIntervalMs ?? CONFIG_DEFAULTS.relayIntervalMs);
  return {
    app: service.app,
    services,
    relay,
    compactHistory,
    purgeWatchers,
    close: async () => {
      for (const timer of timers) if (timer) clearInterval(timer);
      await service.close();
      await relay.stop();
      await relay.flush();
    },
  };
}

/** Runs `task` every `intervalMs` (0: never), logging its failures. */
function every(intervalMs: number, task: () => Promise<unknown>, failure: string, logger: Logger): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const timer = setInterval(() => void task().catch((error: unknown) => logger.warn({ err: error }, failure)), intervalMs);
  timer.unref();
  return timer;
}
