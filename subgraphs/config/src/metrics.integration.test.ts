import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { createConfigMetrics } from './metrics';

// The scrape-time gauges read the config tables of a real (in-memory PGlite) database.
let db: Database;
const now = new Date('2026-12-01T10:00:00.000Z');

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  const entry = await db.prisma.configEntry.create({
    data: { orgId: 'acme', key: 'search.k', value: 10, version: 1, revision: 1n, updatedBy: 'ann' },
  });
  await db.prisma.configEntry.create({
    data: { orgId: 'acme', key: 'flags.x', kind: 'FLAG', value: {}, hasValue: false, version: 2, revision: 2n, updatedBy: 'ann' },
  });
  await db.prisma.configVersion.createMany({
    data: [1, 2, 3].map((version) => ({
      entryId: entry.id,
      orgId: 'acme',
      environment: '',
      service: '',
      component: '',
      key: 'search.k',
      version,
      operation: 'SET' as const,
      kind: 'VALUE' as const,
      hasValue: true,
      author: 'ann',
      publishedAt: version === 3 ? null : now,
    })),
  });
  await db.prisma.configWatcher.createMany({
    data: [
      { orgId: 'acme', name: 'fresh', ttlSeconds: 60, lastHeartbeatAt: new Date(now.getTime() - 30_000) },
      { orgId: 'acme', name: 'stale', ttlSeconds: 60, lastHeartbeatAt: new Date(now.getTime() - 61_000) },
    ],
  });
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('config metrics', () => {
  it('reports the log revision, unpublished changes, entries with a value by kind and watchers by status', async () => {
    const text = await createConfigMetrics(db.prisma, () => now).metrics();
    const revision = (await db.prisma.configVersion.aggregate({ _max: { revision: true } }))._max.revision;
    expect(text).toContain(`dictamesh_config_revision ${revision}`);
    expect(text).toContain('dictamesh_config_unpublished_changes 1');
    expect(text).toContain('dictamesh_config_entries{kind="VALUE"} 1');
    expect(text).toContain('dictamesh_config_entries{kind="FLAG"} 0');
    expect(text).toContain('dictamesh_config_watchers{status="ACTIVE"} 1');
    expect(text).toContain('dictamesh_config_watchers{status="EXPIRED"} 1');
    expect(text).toContain('dictamesh_config_encryption_keys{status="ACTIVE"} 0');
  });
});
