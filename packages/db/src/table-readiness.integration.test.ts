import { closeSync, mkdtempSync, openSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPGlite, pgliteRunner } from './pglite';
import { checkTables, failingTables } from './table-readiness';

const tmp = mkdtempSync(join(tmpdir(), 'dictamesh-readiness-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A PGlite directory with a many-page table `dictamesh_big` and a one-page `dictamesh_small`; returns their data files. */
async function seeded(name: string): Promise<{ dataDir: string; big: string; small: string }> {
  const dataDir = join(tmp, name);
  const db = await openPGlite(dataDir);
  await db.exec(`
    CREATE TABLE dictamesh_big (id int PRIMARY KEY, filler text);
    INSERT INTO dictamesh_big SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g;
    CREATE TABLE dictamesh_small (id int PRIMARY KEY);
    INSERT INTO dictamesh_small VALUES (1);
    CREATE TABLE dictamesh_empty (id int);
    CHECKPOINT;`);
  const { rows } = await db.query<{ big: string; small: string }>(
    `SELECT pg_relation_filepath('dictamesh_big') AS big, pg_relation_filepath('dictamesh_small') AS small`,
  );
  await db.close();
  return { dataDir, big: join(dataDir, rows[0]!.big), small: join(dataDir, rows[0]!.small) };
}

function overwrite(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, offset);
  closeSync(fd);
}

describe('checkTables', () => {
  it('reports every dictamesh_ table ok on a sound database', async () => {
    const { dataDir } = await seeded('sound');
    const db = await openPGlite(dataDir);
    try {
      expect(await checkTables(pgliteRunner(db))).toEqual({ dictamesh_big: 'ok', dictamesh_empty: 'ok', dictamesh_small: 'ok' });
    } finally {
      await db.close();
    }
  });

  it('names a table whose last page is corrupted, and one whose data file is gone; the process and the other tables stay fine', async () => {
    const { dataDir, big, small } = await seeded('damaged');
    const pages = statSync(big).size / 8192;
    expect(pages).toBeGreaterThan(10);
    overwrite(big, (pages - 1) * 8192); // the last page, which a `LIMIT 1` scan would never read
    unlinkSync(small);
    const db = await openPGlite(dataDir);
    try {
      const failing = failingTables(await checkTables(pgliteRunner(db)));
      expect(Object.keys(failing)).toEqual(['dictamesh_big', 'dictamesh_small']);
      expect(failing.dictamesh_big).toMatch(new RegExp(`invalid page in block ${pages - 1}`));
      expect(failing.dictamesh_small).toMatch(/could not open file/);
      expect(await db.query('SELECT count(*)::int AS n FROM dictamesh_empty')).toMatchObject({ rows: [{ n: 0 }] });
    } finally {
      await db.close();
    }
  });
});
