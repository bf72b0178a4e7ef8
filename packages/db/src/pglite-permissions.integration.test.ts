import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database';

const tmp = mkdtempSync(join(tmpdir(), 'dictamesh-pglite-modes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every path under `root` (itself included) with its permission bits. */
function modes(root: string): Array<{ path: string; dir: boolean; mode: number }> {
  const found = [{ path: root, dir: true, mode: statSync(root).mode & 0o777 }];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.push({ path, dir: entry.isDirectory(), mode: statSync(path).mode & 0o777 });
  }
  return found;
}

describe('PGlite data directory permissions', () => {
  it('creates the data directory 0700 with every file 0600 and no group/other bits anywhere', async () => {
    const dataDir = join(tmp, 'fresh', 'pglite');
    const db = await openDatabase({ dataDir });
    try {
      const tree = modes(dataDir);
      expect(tree.length).toBeGreaterThan(20);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(tree.filter((e) => (e.mode & 0o077) !== 0)).toEqual([]);
      expect(tree.filter((e) => !e.dir && e.mode !== 0o600)).toEqual([]);
      expect(tree.filter((e) => e.dir && e.mode !== 0o700)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('takes group/other access away from an existing data directory when it is opened', async () => {
    const dataDir = join(tmp, 'existing');
    await (await openDatabase({ dataDir })).close();
    for (const entry of modes(dataDir)) chmodSync(entry.path, entry.dir ? 0o755 : 0o666);
    const db = await openDatabase({ dataDir });
    try {
      expect(modes(dataDir).filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
