import { Gauge, type Registry } from 'prom-client';
import type { PrismaClient } from '@dictamesh/db';
import { createMetricsRegistry } from '@dictamesh/subgraph-kit';

/**
 * The config subgraph's Prometheus metrics (prom-client, its own registry besides the kit's),
 * read from the database when scraped:
 * - `dictamesh_config_revision`: the configuration log's current revision (how many changes ever);
 * - `dictamesh_config_unpublished_changes`: versions the relay has not published yet (should stay
 *   near 0; growing means the event bus refuses them and watchers are behind);
 * - `dictamesh_config_entries{kind}`: entries holding a value, by kind (VALUE, SECRET, FLAG);
 * - `dictamesh_config_watchers{status}`: registered watchers, ACTIVE or EXPIRED (no heartbeat within their TTL);
 * - `dictamesh_config_encryption_keys{status}`: key-encryption keys by status.
 */
export function createConfigMetrics(prisma: PrismaClient, now: () => Date): Registry {
  const registry = createMetricsRegistry();
  const gauge = (name: string, help: string, collect: (g: Gauge<string>) => Promise<void>, labelNames: string[] = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        await collect(this);
      },
    });
  gauge('dictamesh_config_revision', "The configuration log's current revision", async (g) => {
    const { _max } = await prisma.configVersion.aggregate({ _max: { revision: true } });
    g.set(Number(_max.revision ?? 0n));
  });
  gauge(
    'dictamesh_config_unpublished_changes',
    'Configuration changes committed but not yet published on dictamesh.config.changed',
    async (g) => {
      g.set(await prisma.configVersion.count({ where: { publishedAt: null } }));
    },
  );
  gauge(
    'dictamesh_config_entries',
    'Configuration entries holding a value, by kind',
    async (g) => {
      g.reset();
      for (const kind of ['VALUE', 'SECRET', 'FLAG'] as const) g.set({ kind }, 0);
      const rows = await prisma.configEntry.groupBy({ by: ['kind'], where: { hasValue: true }, _count: { _all: true } });
      for (const row of rows) g.set({ kind: row.kind }, row._count._all);
    },
    ['kind'],
  );
  gauge(
    'dictamesh_config_watchers',
    'Registered configuration watchers by status',
    async (g) => {
      const rows = await prisma.configWatcher.findMany({ select: { lastHeartbeatAt: true, ttlSeconds: true } });
      const at = now().getTime();
      const active = rows.filter((w) => w.lastHeartbeatAt.getTime() + w.ttlSeconds * 1000 >= at).length;
      g.set({ status: 'ACTIVE' }, active);
      g.set({ status: 'EXPIRED' }, rows.length - active);
    },
    ['status'],
  );
  gauge(
    'dictamesh_config_encryption_keys',
    'Key-encryption keys by status',
    async (g) => {
      g.reset();
      for (const status of ['ACTIVE', 'DECRYPT_ONLY', 'RETIRED'] as const) g.set({ status }, 0);
      const rows = await prisma.encryptionKey.groupBy({ by: ['status'], _count: { _all: true } });
      for (const row of rows) g.set({ status: row.status }, row._count._all);
    },
    ['status'],
  );
  return registry;
}
