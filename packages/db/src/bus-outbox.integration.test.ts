import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase } from '../../../test/postgres-database';
import { createBusOutbox, type BusOutbox } from './bus-outbox';
import { MIGRATIONS_DIR, openDatabase } from './database';
import { poolRunner } from './postgres';

const tmp = mkdtempSync(join(tmpdir(), 'dictamesh-outbox-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});
// opening PGlite and applying the migrations takes seconds, more on a busy machine
const TIMEOUT_MS = 180_000;

const entry = (topic: string, n: number) => ({
  topic,
  key: `dictamesh:x:thing:${n}`,
  event: JSON.stringify({ specversion: '1.0', id: `e${n}`, source: '/x', type: 'dictamesh.entity.created', data: { n, text: 'ü "q"' } }),
  headers: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` },
});

/** Appends, reads pages, removes: what the in-process bus's outbox relies on. */
async function appendReadRemove(outbox: BusOutbox): Promise<string> {
  const ids = await outbox.append([entry('a', 0), entry('b', 1), entry('a', 2)]);
  expect(ids).toHaveLength(3);
  expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((x, y) => (x < y ? -1 : 1)));
  expect(await outbox.append([])).toEqual([]);
  const firstPage = await outbox.read(undefined, 2);
  expect(firstPage).toEqual([
    { id: ids[0], ...entry('a', 0) },
    { id: ids[1], ...entry('b', 1) },
  ]);
  expect(await outbox.read(firstPage[1]!.id, 2)).toEqual([{ id: ids[2], ...entry('a', 2) }]);
  await outbox.remove([ids[0]!, ids[2]!, '999999']);
  await outbox.remove([]);
  expect(await outbox.read(undefined, 10)).toEqual([{ id: ids[1], ...entry('b', 1) }]);
  return ids[1]!;
}

describe('dictamesh_bus_outbox', () => {
  it(
    'appends in one statement with ids in the order given, reads pages in id order, removes by id, keeps the rest across reopen (PGlite)',
    async () => {
      const dir = join(tmp, 'reopen');
      const db = await openDatabase({ dataDir: dir });
      const kept = await appendReadRemove(createBusOutbox(db.runner));
      await db.close();
      const reopened = await openDatabase({ dataDir: dir });
      expect(await createBusOutbox(reopened.runner).read(undefined, 10)).toEqual([{ id: kept, ...entry('b', 1) }]);
      await reopened.close();
    },
    TIMEOUT_MS,
  );

  it('does the same on Postgres through a pg pool (DATABASE_URL with the in-process bus)', async () => {
    const scratch = await createScratchDatabase(inject('postgresUrl'), 'dictamesh_bus_outbox_test');
    const pool = new pg.Pool({ connectionString: scratch.url.href, max: 2 });
    try {
      await pool.query(readFileSync(join(MIGRATIONS_DIR, '20261123000000_bus_outbox', 'migration.sql'), 'utf8'));
      await appendReadRemove(createBusOutbox(poolRunner(pool)));
    } finally {
      await pool.end();
      await scratch.drop();
    }
  });

  it(
    'keeps on PGlite what append resolved before the process was killed with SIGKILL',
    async () => {
      const dir = join(tmp, 'killed');
      const writer = fileURLToPath(new URL('../test/outbox-writer.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const ids = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { ids: string[] }).ids);
        });
        child.once('exit', (code) => reject(new Error(`writer exited with ${code} before appending`)));
      });
      child.kill('SIGKILL');
      await exited;
      const db = await openDatabase({ dataDir: dir });
      const kept = await createBusOutbox(db.runner).read(undefined, 100);
      expect(kept.map((e) => e.id)).toEqual(ids);
      expect(kept[49]).toMatchObject({ key: 'k49', event: JSON.stringify({ id: 'e49' }) });
      await db.close();
    },
    TIMEOUT_MS,
  );
});
