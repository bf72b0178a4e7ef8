import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from './database';
import { applyMigrations, migrationStatus } from './migrate';
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
      '20261124000000_org_scoped_urns',
      '20261130000000_billing',
      '20261201000000_config',
      '20261202000000_notifications',
    ]);
  });

  it('reports applied / pending migrations without changing the database (dictamesh migrate status)', async () => {
    const pglite = await openPGlite('memory://');
    const runner = pgliteRunner(pglite);
    const empty = { applied: [], pending: ALL, edited: [], unknown: [] };
    expect(await migrationStatus(runner, MIGRATIONS_DIR)).toEqual(empty);
    expect(await migrationStatus(runner, MIGRATIONS_DIR)).toEqual(empty); // it created nothing
    await applyMigrations(runner, MIGRATIONS_DIR);
    await runner.exec(`UPDATE "_prisma_migrations" SET checksum = 'x' WHERE migration_name = '${ALL[1]}'`);
    await runner.exec(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at) VALUES ('n', 'c', '29990101000000_newer', now())`,
    );
    await runner.exec(`DELETE FROM "_prisma_migrations" WHERE migration_name = '${ALL.at(-1)}'`);
    expect(await migrationStatus(runner, MIGRATIONS_DIR)).toEqual({
      applied: ALL.slice(0, -1),
      pending: ALL.slice(-1),
      edited: [ALL[1]],
      unknown: ['29990101000000_newer'],
    });
    await pglite.close();
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
      'dictamesh_billable_metrics',
      'dictamesh_billing_charges',
      'dictamesh_billing_credit_applications',
      'dictamesh_billing_credits',
      'dictamesh_billing_invoice_lines',
      'dictamesh_billing_invoice_sequences',
      'dictamesh_billing_invoices',
      'dictamesh_billing_outbox',
      'dictamesh_billing_parked_usage',
      'dictamesh_billing_payments',
      'dictamesh_billing_pending_items',
      'dictamesh_billing_plans',
      'dictamesh_billing_refunds',
      'dictamesh_billing_subscriptions',
      'dictamesh_billing_tax_rates',
      'dictamesh_billing_usage_alerts',
      'dictamesh_billing_usage_records',
      'dictamesh_billing_webhook_receipts',
      'dictamesh_bus_outbox',
      'dictamesh_cache_status',
      'dictamesh_config_audit_logs',
      'dictamesh_config_log_state',
      'dictamesh_config_versions',
      'dictamesh_config_watchers',
      'dictamesh_configurations',
      'dictamesh_data_lineage',
      'dictamesh_dead_letters',
      'dictamesh_encryption_keys',
      'dictamesh_entity_catalog',
      'dictamesh_entity_relationships',
      'dictamesh_event_log',
      'dictamesh_notification_deliveries',
      'dictamesh_notification_delivery_attempts',
      'dictamesh_notification_digest_settings',
      'dictamesh_notification_digests',
      'dictamesh_notification_endpoint_secrets',
      'dictamesh_notification_endpoints',
      'dictamesh_notification_idempotency_keys',
      'dictamesh_notification_preferences',
      'dictamesh_notification_rules',
      'dictamesh_notification_subscriber_addresses',
      'dictamesh_notification_subscribers',
      'dictamesh_notification_templates',
      'dictamesh_notification_types',
      'dictamesh_notifications',
      'dictamesh_organizations',
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

  it('migrates a catalog with data to (organisation, URN) keys: every row keeps its organisation', async () => {
    const dir = join(tmp, 'before-org-scoped-urns');
    cpSync(MIGRATIONS_DIR, dir, {
      recursive: true,
      filter: (src) =>
        !/20261124000000_org_scoped_urns|20261130000000_billing|20261201000000_config|20261202000000_notifications/.test(src),
    });
    const pglite = await openPGlite('memory://');
    const runner = pgliteRunner(pglite);
    expect((await applyMigrations(runner, dir)).applied.at(-1)).toBe('20261123000000_bus_outbox');
    const A = 'dictamesh:chatwoot:account/1:contact:1';
    const D = 'dictamesh:crm:account:9';
    await runner.exec(`
      INSERT INTO dictamesh_entity_catalog (urn, org_id, source_system, entity_type, domain, source_id, embedding)
        VALUES ('${A}', 'acme', 'chatwoot', 'contact', 'support', '1', array_fill(0.5, ARRAY[384])::vector),
               ('${D}', 'default', 'crm', 'account', 'sales', '9', NULL);
      INSERT INTO dictamesh_entity_relationships (id, from_urn, to_urn, relationship_type)
        VALUES (gen_random_uuid(), '${A}', '${D}', 'WORKS_AT'), (gen_random_uuid(), '${D}', '${A}', 'EMPLOYS');
      INSERT INTO dictamesh_event_log (event_id, event_type, source, subject, operation, occurred_at)
        VALUES ('e-a', 't', '/s', '${A}', 'created', now()), ('e-d', 't', '/s', '${D}', 'created', now()),
               ('e-gone', 't', '/s', 'dictamesh:x:y:never-stored', 'created', now());
      INSERT INTO dictamesh_data_lineage (id, upstream_urn, downstream_urn, transformation)
        VALUES (gen_random_uuid(), '/s', '${A}', 'entity-change-ingest'), (gen_random_uuid(), '/s', '${D}', 'entity-change-ingest');
      INSERT INTO dictamesh_cache_status (urn, cache_key) VALUES ('${A}', 'k-a'), ('dictamesh:x:y:never-stored', 'k-x');`);

    expect((await applyMigrations(runner, MIGRATIONS_DIR)).applied).toEqual([
      '20261124000000_org_scoped_urns',
      '20261130000000_billing',
      '20261201000000_config',
      '20261202000000_notifications',
    ]);
    const orgs = (sql: string) => runner.query<Record<string, string>>(sql);
    expect(await orgs(`SELECT org_id, urn FROM dictamesh_entity_catalog ORDER BY urn`)).toEqual([
      { org_id: 'acme', urn: A },
      { org_id: 'default', urn: D },
    ]);
    expect(await orgs(`SELECT org_id, from_urn, to_urn FROM dictamesh_entity_relationships ORDER BY from_urn`)).toEqual([
      { org_id: 'acme', from_urn: A, to_urn: D },
      { org_id: 'default', from_urn: D, to_urn: A },
    ]);
    expect(await orgs(`SELECT org_id, event_id FROM dictamesh_event_log ORDER BY seq`)).toEqual([
      { org_id: 'acme', event_id: 'e-a' },
      { org_id: 'default', event_id: 'e-d' },
      { org_id: 'default', event_id: 'e-gone' },
    ]);
    expect(await orgs(`SELECT org_id, downstream_urn FROM dictamesh_data_lineage ORDER BY downstream_urn`)).toEqual([
      { org_id: 'acme', downstream_urn: A },
      { org_id: 'default', downstream_urn: D },
    ]);
    expect(await orgs(`SELECT org_id, urn FROM dictamesh_cache_status ORDER BY urn`)).toEqual([
      { org_id: 'acme', urn: A },
      { org_id: 'default', urn: 'dictamesh:x:y:never-stored' },
    ]);

    // the new keys: the same URN and event id in another organisation, never twice in one
    await runner.exec(`
      INSERT INTO dictamesh_entity_catalog (urn, org_id, source_system, entity_type, domain, source_id)
        VALUES ('${A}', 'globex', 'chatwoot', 'contact', 'support', '1');
      INSERT INTO dictamesh_entity_relationships (id, org_id, from_urn, to_urn, relationship_type)
        VALUES (gen_random_uuid(), 'globex', '${A}', '${D}', 'WORKS_AT');
      INSERT INTO dictamesh_event_log (org_id, event_id, event_type, source, subject, operation, occurred_at)
        VALUES ('globex', 'e-a', 't', '/s', '${A}', 'created', now());`);
    await expect(
      runner.exec(`INSERT INTO dictamesh_entity_catalog (urn, org_id, source_system, entity_type, domain, source_id)
                   VALUES ('${A}', 'acme', 'chatwoot', 'contact', 'support', '1')`),
    ).rejects.toThrow(/dictamesh_entity_catalog_pkey/);
    await expect(
      runner.exec(`INSERT INTO dictamesh_event_log (org_id, event_id, event_type, source, subject, operation, occurred_at)
                   VALUES ('acme', 'e-a', 't', '/s', '${A}', 'created', now())`),
    ).rejects.toThrow(/duplicate key/);
    // an edge needs its `from` entity in its own organisation
    await expect(
      runner.exec(`INSERT INTO dictamesh_entity_relationships (id, org_id, from_urn, to_urn, relationship_type)
                   VALUES (gen_random_uuid(), 'initech', '${A}', '${D}', 'WORKS_AT')`),
    ).rejects.toThrow(/foreign key/);
    // still append-only, and the embedding index still serves the catalog
    await expect(runner.exec(`UPDATE dictamesh_event_log SET event_type = 'x'`)).rejects.toThrow(/append-only/);
    const [hnsw] = await runner.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'dictamesh_entity_catalog_embedding_hnsw_idx'`,
    );
    expect(hnsw?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    const deleted = await runner.query(`DELETE FROM dictamesh_entity_catalog WHERE org_id = 'acme' AND urn = '${A}' RETURNING urn`);
    expect(deleted).toHaveLength(1);
    expect(await orgs(`SELECT org_id FROM dictamesh_entity_relationships WHERE from_urn = '${A}'`)).toEqual([{ org_id: 'globex' }]);
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
  it('turns the bare organisation strings of entities, adapters and API keys into organisation rows', async () => {
    const dir = join(tmp, 'before-billing');
    cpSync(MIGRATIONS_DIR, dir, {
      recursive: true,
      filter: (src) => !/20261130000000_billing|20261201000000_config|20261202000000_notifications/.test(src),
    });
    const pglite = await openPGlite('memory://');
    const runner = pgliteRunner(pglite);
    expect((await applyMigrations(runner, dir)).applied.at(-1)).toBe('20261124000000_org_scoped_urns');
    await runner.exec(`
      INSERT INTO dictamesh_entity_catalog (urn, org_id, source_system, entity_type, domain, source_id)
        VALUES ('dictamesh:crm:account:1', 'acme', 'crm', 'account', 'sales', '1');
      INSERT INTO dictamesh_adapters (id, org_id, kind, version, config, updated_at)
        VALUES ('crm-1', 'globex', 'rest-json', '1.0.0', '{}', now());
      INSERT INTO dictamesh_api_keys (id, org_id, name, scopes, secret_hash) VALUES ('k1', 'initech', 'ci', '{}', 'x');
    `);
    expect((await applyMigrations(runner, MIGRATIONS_DIR)).applied).toEqual([
      '20261130000000_billing',
      '20261201000000_config',
      '20261202000000_notifications',
    ]);
    const orgs = await runner.query<{ id: string; name: string; status: string; currency: string }>(
      'SELECT id, name, status::text AS status, currency FROM dictamesh_organizations ORDER BY id',
    );
    expect(orgs).toEqual([
      { id: 'acme', name: 'acme', status: 'ACTIVE', currency: 'USD' },
      { id: 'default', name: 'default', status: 'ACTIVE', currency: 'USD' },
      { id: 'globex', name: 'globex', status: 'ACTIVE', currency: 'USD' },
      { id: 'initech', name: 'initech', status: 'ACTIVE', currency: 'USD' },
    ]);
    const metrics = await runner.query<{ code: string }>('SELECT code FROM dictamesh_billable_metrics ORDER BY code');
    expect(metrics.map((m) => m.code)).toEqual(['active_adapters', 'cost_units', 'graphql_operations', 'kafka_events', 'storage_gb']);
    await pglite.close();
  });
});
