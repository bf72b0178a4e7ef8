import type { Admin } from 'kafkajs';
import type { Logger } from '@dictamesh/runtime';

/** Topics to create and their settings. */
export interface TopicSettings {
  names: readonly string[];
  /** Partitions per topic (the ceiling of consumer-group parallelism). */
  partitions: number;
  /** Replicas per partition (3 in production; 1 on a single broker). */
  replicationFactor: number;
  /** How long records are kept, ms (`retention.ms`). */
  retentionMs: number;
}

/**
 * Creates the topics that do not exist yet, with their partitions, replication and
 * retention (Kafka admin API, `CreateTopics`); existing topics are left as they are.
 * @returns the topics created now
 * @throws kafkajs errors, e.g. a replication factor above the number of brokers
 */
export async function ensureTopics(admin: Admin, settings: TopicSettings, log?: Logger): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = settings.names.filter((name) => !existing.has(name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: settings.partitions,
      replicationFactor: settings.replicationFactor,
      configEntries: [
        { name: 'retention.ms', value: String(settings.retentionMs) },
        { name: 'cleanup.policy', value: 'delete' },
      ],
    })),
  });
  log?.info({ topics: missing, partitions: settings.partitions, replicationFactor: settings.replicationFactor }, 'kafka topics created');
  return missing;
}
