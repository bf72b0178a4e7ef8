import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@dictamesh/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';

const dataDir = tempDataDir();
let stack: FullStack;

/** Writes a row into the catalog table and returns that table's data file (relative to the PGlite directory). */
async function seedCatalogTable(pgliteDir: string): Promise<string> {
  const db = await openDatabase({ dataDir: pgliteDir });
  try {
    await db.runner.exec(
      `INSERT INTO dictamesh_entity_catalog (urn, source_system, entity_type, domain, source_id)
       VALUES ('dictamesh:test:thing:1', 'test', 'thing', 'testing', '1')`,
    );
    const [row] = await db.runner.query<{ path: string }>(`SELECT pg_relation_filepath('dictamesh_entity_catalog') AS path`);
    return row!.path;
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  const pgliteDir = join(dataDir, 'pglite');
  const file = join(pgliteDir, await seedCatalogTable(pgliteDir));
  expect(statSync(file).size).toBeGreaterThanOrEqual(8192); // the row's page is on disk
  // garbage over the page header and the row of block 0: Postgres refuses to read the page
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, 0);
  writeSync(fd, Buffer.alloc(512, 0xcd), 0, 512, 7_000);
  closeSync(fd);
  stack = await startTestStack(dataDir);
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('readiness over a corrupted database page', () => {
  it('catalog /readyz answers 503 naming the table whose data file cannot be read; /healthz stays 200', async () => {
    const origin = stack.urls.catalog.replace(/\/graphql$/, '');
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; tables: Record<string, string> };
    expect(body.status).toBe('unavailable');
    expect(Object.keys(body.tables)).toEqual(['dictamesh_entity_catalog']);
    expect(body.tables.dictamesh_entity_catalog).toMatch(/invalid page/);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('gateway /readyz answers 503 naming the catalog and its failing table; /healthz stays 200', async () => {
    const origin = stack.urls.gateway.replace(/\/graphql$/, '');
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { subgraphs: Record<string, string> };
    expect(body.subgraphs.catalog).toMatch(/dictamesh_entity_catalog/);
    // the other subgraphs check only their own tables: they stay ready
    expect(body.subgraphs).toMatchObject({ adapters: 'ok', billing: 'ok' });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('keeps serving what does not touch the corrupted table', async () => {
    const response = await fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ adapterKinds { kind } }' }),
    });
    expect(response.status).toBe(200);
  });
});
