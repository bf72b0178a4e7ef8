import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from './database';
import { applyMigrations } from './migrate';
import { openPGlite, pgliteRunner } from './pglite';

/** Every migration folder, in order. */
const ALL = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const tmp = mkdtempSync(join(tmpdir(), 'dictamesh-migrate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('offline migrations', () => {
  it('has the migrations this test expects', () => {
    expect(ALL).toEqual([
      '20261121000000_init',
      '20261121010000_dead_letters',
      '20261122000000_adapters',
      '20261122010000_adapter_leases',
      '20261122020000_api_keys',
      '20261122030000_organisations',
      '20261123000000_bus_outbox',
    ]);
  });

  it('applies prisma/migrations on PGlite once, with Prisma bookkeeping, and is idempotent', async () => {
    const pglite = await openPGlite('memory://');
    const runner = pgliteRunner(pglite);
    const first = await applyMigrations(runner, MIGRATIONS_DIR);
    expect(first.applied).toEqual(ALL);
    const second = await applyMigrations(runner, MIGRATIONS_DIR);
    expect(second).toEqual({ applied: [], alreadyApplied: ALL });
    const [row] = await runner.query<{ checksum: string; finished_at: Date | null }>(
      `SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = '20261121000000_init'`,
    );
    const sql = readFileSync(join(MIGRATIONS_DIR, '20261121000000_init', 'migration.sql'));
    expect(row?.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(row?.finished_at).not.toBeNull();
    const tables = await runner.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE tablename LIKE 'dictamesh_%' ORDER BY 1`,
    );
    expect(tables.map((t) => t.tablename)).toEqual([
      'dictamesh_adapter_checkpoints',
      'dictamesh_adapters',
      'dictamesh_api_keys',
      'dictamesh_bus_outbox',
      'dictamesh_cache_status',
      'dictamesh_data_lineage',
      'dictamesh_dead_letters',
      'dictamesh_entity_catalog',
      'dictamesh_entity_relationships',
      'dictamesh_event_log',
      'dictamesh_schemas',
    ]);
    const [hnsw] = await runner.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'dictamesh_entity_catalog_embedding_hnsw_idx'`,
    );
    expect(hnsw?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    await pglite.close();
  });

  it('rolls a failing migration back whole and reports MIGRATION_FAILED', async () => {
    const dir = join(tmp, 'migrations');
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, '29991231000000_broken')); // sorts after every real migration
    writeFileSync(join(dir, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;');
    const pglite = await openPGlite('memory://');
    const runner = pgliteRunner(pglite);
    await expect(applyMigrations(runner, dir)).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      details: { migration: '29991231000000_broken' },
    });
    const half = await runner.query(`SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
    expect(half).toHaveLength(0);
    const names = await runner.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    expect(names.map((n) => n.migration_name).sort()).toEqual(ALL);
    await pglite.close();
  });

  it('keeps the event log append-only', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.runner.exec(`INSERT INTO dictamesh_event_log (event_id, event_type, source, subject, operation, occurred_at)
                          VALUES ('e1', 't', 's', 'dictamesh:x:y:1', 'created', now())`);
    await expect(db.runner.exec(`UPDATE dictamesh_event_log SET event_type = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.runner.exec(`DELETE FROM dictamesh_event_log`)).rejects.toThrow(/append-only/);
    await db.close();
  });

  it('runs the same code over the Postgres wire protocol (DATABASE_URL), with data kept across reopen', async () => {
    const pglite = await openPGlite(join(tmp, 'served'));
    const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    const address = server.getServerConn();
    const url = `postgresql://postgres@${address}/postgres?sslmode=disable`;
    try {
      const first = await openDatabase({ url, poolSize: 2 });
      expect(first.kind).toBe('postgres');
      expect(first.migrations.applied).toEqual(ALL);
      await first.prisma.entityCatalog.create({
        data: { urn: 'dictamesh:x:thing:1', sourceSystem: 'x', entityType: 'thing', domain: 'd', sourceId: '1' },
      });
      await first.close();
      const second = await openDatabase({ url, poolSize: 2 });
      expect(second.migrations.applied).toEqual([]);
      expect(await second.prisma.entityCatalog.count()).toBe(1);
      await second.close();
    } finally {
      await server.stop();
      await pglite.close();
    }
  });
});
