import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../test/postgres-database';
import { gql, startTestStack, tempDataDir, type FullStack } from './harness/harness';

// a postgres-table adapter registered at runtime against the real PostgreSQL of scripts/postgres.sh
const server = new URL(inject('postgresUrl'));
const database = `dictamesh_e2e_${process.pid}`;
const dataDir = tempDataDir();
let stack: FullStack;
let scratch: ScratchDatabase;
let source: pg.Client;

const entity = async (urn: string) =>
  (
    await gql<{ entity: { displayName: string; deleted: boolean } | null }>(
      stack,
      'query ($urn: ID!) { entity(urn: $urn) { displayName deleted } }',
      { urn },
    )
  ).data?.entity ?? null;
const slots = async () =>
  (await source.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots')).rows.map((r) => r.slot_name);

beforeAll(async () => {
  scratch = await createScratchDatabase(server, database);
  source = scratch.client;
  await source.query(`CREATE TABLE products (sku text PRIMARY KEY, title text NOT NULL, price numeric(10, 2));
    INSERT INTO products SELECT 'SKU-' || i, 'Product ' || i, i * 1.5 FROM generate_series(1, 40) i;`);
  stack = await startTestStack(
    dataDir,
    {},
    { DICTAMESH_ADAPTER_DIRS: fileURLToPath(new URL('../adapters', import.meta.url)), ADAPTER_SYNC_INTERVAL_MS: '0' },
  );
});
afterAll(async () => {
  await stack?.close();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('postgres-table adapter registered through the gateway', () => {
  it('snapshots the table, then streams inserts, updates and deletes into the catalog; removal drops its slot', async () => {
    const { data, errors } = await gql<{ registerAdapter: { status: string; config: Record<string, unknown> } }>(
      stack,
      'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { status config } }',
      {
        input: {
          id: 'shop-db',
          kind: 'postgres-table',
          config: {
            ...scratch.connection,
            source: 'shop',
            tables: [{ table: 'products', entityType: 'product', displayNameColumn: 'title' }],
            pollIntervalMs: 100,
          },
        },
      },
    );
    expect(errors).toBeUndefined();
    expect(data!.registerAdapter.status).toBe('RUNNING');
    expect(data!.registerAdapter.config).not.toHaveProperty('password');
    await expect.poll(() => entity('dictamesh:shop:product:SKU-40'), { timeout: 20_000 }).toMatchObject({ displayName: 'Product 40' });

    await source.query(`INSERT INTO products VALUES ('SKU-NEW', 'Brand new', 9.99)`);
    await source.query(`UPDATE products SET title = 'Product 1 v2' WHERE sku = 'SKU-1'`);
    await source.query(`DELETE FROM products WHERE sku = 'SKU-2'`);
    await expect.poll(() => entity('dictamesh:shop:product:SKU-NEW'), { timeout: 20_000 }).toMatchObject({ displayName: 'Brand new' });
    await expect.poll(() => entity('dictamesh:shop:product:SKU-1'), { timeout: 20_000 }).toMatchObject({ displayName: 'Product 1 v2' });
    await expect.poll(async () => (await entity('dictamesh:shop:product:SKU-2'))?.deleted, { timeout: 20_000 }).toBe(true);

    expect(await slots()).toContain('dictamesh_shop_db');
    const removed = await gql(stack, 'mutation { removeAdapter(id: "shop-db") { status } }');
    expect(removed.errors).toBeUndefined();
    expect(await slots()).not.toContain('dictamesh_shop_db'); // the server no longer retains WAL for it
  });
});
