import type pg from 'pg';
import { pino } from 'pino';
import {
  AdapterConfigError,
  MemoryCheckpointStore,
  parseAdapterConfig,
  runSync,
  type AdapterContext,
  type ChangeBatch,
} from '@dictamesh/adapter-sdk';
import { assertEntityChange, type EntityChange } from '@dictamesh/events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/postgres-database';
import definition from './definition';
import type { PostgresCheckpoint } from './postgres-table-adapter';
import { PostgresTableAdapter } from './postgres-table-adapter';

// a real PostgreSQL 15 (scripts/postgres.sh, started by the global setup) with wal_level=logical
const server = new URL(inject('postgresUrl'));
const database = `dictamesh_pt_${process.pid}`;
const log = pino({ level: 'silent' });
let scratch: ScratchDatabase;
let db: pg.Client;

const config = (extra: Record<string, unknown> = {}) => ({
  ...scratch.connection,
  source: 'shop',
  domain: 'commerce',
  batchSize: 10,
  follow: false,
  tables: [
    { table: 'companies', entityType: 'company', displayNameColumn: 'name' },
    {
      table: 'customers',
      entityType: 'customer',
      displayNameColumn: 'name',
      excludeColumns: ['password_hash'],
      relationships: [{ column: 'company_id', type: 'WORKS_AT', entityType: 'company' }],
    },
    { schema: 'sales', table: 'order_lines', entityType: 'order_line' },
  ],
  ...extra,
});
// the test server listens on loopback, which the production policy refuses (see the SSRF test below)
const outbound = { allowedHosts: ['127.0.0.1'] };
const adapterFor = (id: string, extra: Record<string, unknown> = {}, context: Partial<AdapterContext> = { outbound }) =>
  new PostgresTableAdapter(id, parseAdapterConfig(definition, config(extra)), { log, ...context });

/** Runs one sync and returns what it published, batch by batch. */
const sync = async (adapter: PostgresTableAdapter, store: MemoryCheckpointStore, mode: 'backfill' | 'incremental') => {
  const batches: ChangeBatch[] = [];
  await runSync(adapter, { mode, checkpoints: store, signal: new AbortController().signal, publish: async (b) => void batches.push(b) });
  return batches.flatMap((b) => b.changes.map((c) => c.change));
};
const slots = async () =>
  (await db.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots ORDER BY 1')).rows.map((r) => r.slot_name);

beforeAll(async () => {
  scratch = await createScratchDatabase(server, database);
  db = scratch.client;
  await db.query(`
    CREATE TABLE companies (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE customers (
      id bigint PRIMARY KEY, name text, email text, company_id int REFERENCES companies,
      password_hash text, tags jsonb, avatar bytea, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE SCHEMA sales;
    CREATE TABLE sales.order_lines (order_no text, line int, sku text, qty int, PRIMARY KEY (order_no, line));
    INSERT INTO companies (name) SELECT 'Company ' || i FROM generate_series(1, 3) i;
    INSERT INTO customers (id, name, email, company_id, password_hash, tags)
      SELECT 9007199254740990 + i, 'Customer ' || i, 'c' || i || '@example.test', (i % 3) + 1, 'hash-' || i, '["vip"]'
        FROM generate_series(1, 25) i;
    INSERT INTO sales.order_lines VALUES ('SO 1:A', 1, 'sku-1', 2), ('SO 1:A', 2, 'sku-2', 1);
  `);
});
afterAll(() => scratch?.drop());

describe('postgres-table adapter against a real PostgreSQL (logical replication)', () => {
  it('snapshots every table page by page, then streams inserts, updates and deletes with their commit times', async () => {
    const adapter = adapterFor('pg-main');
    await adapter.initialize();
    const store = new MemoryCheckpointStore();
    const snapshot = await sync(adapter, store, 'backfill');
    snapshot.forEach((c) => assertEntityChange(c));
    expect(snapshot).toHaveLength(3 + 25 + 2);
    const customer = snapshot.find((c) => c.urn === 'dictamesh:shop:customer:9007199254740991')!;
    expect(customer).toMatchObject({
      domain: 'commerce',
      operation: 'updated',
      displayName: 'Customer 1',
      attributes: { id: '9007199254740991', email: 'c1@example.test', tags: ['vip'] }, // int8 kept exact as a string
      relationships: [{ type: 'WORKS_AT', toUrn: 'dictamesh:shop:company:2', cardinality: 'MANY_TO_ONE' }],
    });
    expect(customer.attributes).not.toHaveProperty('password_hash');
    // composite key, ':' and ' ' percent-encoded so the URN stays valid
    expect(snapshot.map((c) => c.urn)).toContain('dictamesh:shop:order_line:SO%201%3AA,2');
    const afterSnapshot = store.saved.get('pg-main') as PostgresCheckpoint;
    expect(afterSnapshot).toMatchObject({ resource: null, lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/) });

    await db.query(`INSERT INTO companies (name) VALUES ('Company 4')`);
    await db.query(`INSERT INTO customers (id, name, company_id, avatar) VALUES (1, 'New customer', 4, '\\xdeadbeef')`);
    await db.query(`UPDATE customers SET email = 'renamed@example.test', updated_at = now() WHERE id = 9007199254740995`);
    await db.query(`DELETE FROM customers WHERE id = 9007199254741000`);
    await db.query(`UPDATE sales.order_lines SET qty = 5 WHERE order_no = 'SO 1:A' AND line = 1`);
    const { rows } = await db.query<{ now: Date }>('SELECT now()');

    const streamed = await sync(adapter, store, 'incremental');
    streamed.forEach((c) => assertEntityChange(c));
    expect(streamed.map((c: EntityChange) => [c.urn, c.operation])).toEqual([
      ['dictamesh:shop:company:4', 'created'],
      ['dictamesh:shop:customer:1', 'created'],
      ['dictamesh:shop:customer:9007199254740995', 'updated'],
      ['dictamesh:shop:customer:9007199254741000', 'deleted'],
      ['dictamesh:shop:order_line:SO%201%3AA,1', 'updated'],
    ]);
    expect(streamed[1]).toMatchObject({ attributes: { avatar: '\\xdeadbeef' }, relationships: [{ toUrn: 'dictamesh:shop:company:4' }] });
    expect(streamed[2]!.attributes).toMatchObject({ email: 'renamed@example.test' });
    expect(streamed[3]!.attributes).toEqual({ id: '9007199254741000' }); // replica identity: the key
    // commit times: not after the moment we read after the last commit, and in commit order
    expect(streamed.every((c) => c.occurredAt <= rows[0]!.now.toISOString())).toBe(true);
    expect([...streamed.map((c) => c.occurredAt)].sort()).toEqual(streamed.map((c) => c.occurredAt));
    expect((store.saved.get('pg-main') as PostgresCheckpoint).lsn).not.toBe(afterSnapshot.lsn);

    // caught up: a further run publishes nothing
    expect(await sync(adapter, store, 'incremental')).toEqual([]);
    await adapter.dispose();
    await adapter.shutdown();
  });

  it('replays the changes of a batch whose publish failed (the slot only moves after a publish)', async () => {
    const adapter = adapterFor('pg-replay');
    await adapter.initialize();
    const store = new MemoryCheckpointStore();
    await sync(adapter, store, 'backfill');
    await db.query(`INSERT INTO companies (name) VALUES ('Company 5'), ('Company 6')`);
    const failed = await runSync(adapter, {
      mode: 'incremental',
      checkpoints: store,
      signal: new AbortController().signal,
      publish: async () => {
        throw new Error('broker down');
      },
    }).catch((e: unknown) => e);
    expect((failed as Error).message).toBe('broker down');

    const ids: string[] = [];
    await runSync(adapter, {
      mode: 'incremental',
      checkpoints: store,
      signal: new AbortController().signal,
      publish: async (b) => void ids.push(...b.changes.map((c) => c.change.displayName!)),
    });
    expect(ids).toEqual(['Company 5', 'Company 6']);
    await adapter.dispose();
    await adapter.shutdown();
  });

  it('follows the stream until stopped', async () => {
    const adapter = adapterFor('pg-follow', { follow: true, pollIntervalMs: 50 });
    await adapter.initialize();
    const controller = new AbortController();
    const seen: string[] = [];
    const running = runSync(adapter, {
      mode: 'backfill',
      checkpoints: new MemoryCheckpointStore(),
      signal: controller.signal,
      publish: async (batch) => {
        for (const { change } of batch.changes) if (change.entityType === 'company') seen.push(change.displayName!);
        if (seen.includes('Company 7')) controller.abort();
      },
    });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(6); // the snapshot
    await db.query(`INSERT INTO companies (name) VALUES ('Company 7')`);
    await running; // ends by itself once the insert arrived and the run was stopped
    expect(seen.at(-1)).toBe('Company 7');
    await adapter.dispose();
    await adapter.shutdown();
  });

  it('reports missing tables and keyless tables as field problems; dispose drops the slot', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS audit_log (at timestamptz, line text)');
    const bad = adapterFor('pg-bad', {
      tables: [
        { table: 'missing', entityType: 'thing' },
        { table: 'audit_log', entityType: 'audit_line' },
        { table: 'customers', entityType: 'customer', displayNameColumn: 'full_name' },
      ],
    });
    const error = await bad.initialize().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterConfigError);
    expect((error as AdapterConfigError).problems).toEqual([
      { path: 'tables.0.table', message: `no table public.missing in this database` },
      { path: 'tables.1.keyColumns', message: 'audit_log has no primary key; name its key columns' },
      { path: 'tables.2', message: 'customers has no column full_name' },
    ]);
    await bad.shutdown();

    const adapter = adapterFor('pg-dispose');
    await adapter.initialize();
    expect(await slots()).toContain('dictamesh_pg_dispose');
    expect(await adapter.health()).toMatchObject({ healthy: true });
    await adapter.dispose();
    expect(await slots()).not.toContain('dictamesh_pg_dispose');
    expect(await adapter.health()).toMatchObject({ healthy: false, message: expect.stringMatching(/is gone/) });
    await adapter.shutdown();
  });
});

describe('postgres-table adapter: source addresses (SSRF guard, production default)', () => {
  it('refuses a server on loopback, a name resolving to it and a Unix socket, before connecting; the operator allow-list permits it', async () => {
    const before = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity')).rows[0]!.n);
    for (const host of ['127.0.0.1', 'localhost', '/var/run/postgresql']) {
      const adapter = adapterFor(`pg-ssrf-${host.length}`, { host }, {});
      await expect(adapter.initialize(), host).rejects.toMatchObject({
        code: 'SOURCE_ADDRESS_FORBIDDEN',
        details: { host: expect.stringMatching(new RegExp(`^${host}`)) }, // a Unix socket: its path, /.s.PGSQL.<port>
      });
      await adapter.shutdown();
    }
    // no connection was opened to the server (pg_stat_activity counts every backend)
    expect(Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity')).rows[0]!.n)).toBeLessThanOrEqual(before);
    const allowed = adapterFor('pg-ssrf-allowed', {}, { outbound: { allowedHosts: ['127.0.0.0/8'] } });
    await allowed.initialize();
    await allowed.dispose();
    await allowed.shutdown();
  });
});
