import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { err } from '@dictamesh/runtime';

/** The lock file in a PGlite data directory. */
export const DATA_DIR_LOCK_FILE = 'dictamesh.lock';

/** How long a lock of another host stays held without its heartbeat, ms (the heartbeat touches it every third of this). */
const STALE_MS = 30_000;

/** Who holds a data directory (the lock file's JSON). */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Data directories this process holds (a second open in the same process is refused too). */
const held = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether the lock a holder left is stale: on this host, its process is gone (or it is this
 * process's pid while this process holds no lock there: a container restarted with the same pid);
 * on another host (a shared volume), its heartbeat stopped more than 30 s ago.
 */
function stale(path: string, dir: string): boolean {
  let holder: Holder;
  let touched: number;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    touched = statSync(path).mtimeMs;
  } catch {
    return true; // unreadable or half-written: no live holder wrote it
  }
  if (holder.host !== hostname()) return Date.now() - touched > STALE_MS;
  if (holder.pid === process.pid) return !held.has(dir);
  return !alive(holder.pid);
}

/**
 * Takes the PGlite data directory `dataDir` for this process. PGlite runs inside one process and
 * keeps no lock of its own: a second process opening the same directory (a second `dictamesh
 * start`, or `dictamesh apikey create` while the stack runs) would silently corrupt it. The lock
 * is the file `dictamesh.lock` in the directory (pid, host, start time), touched every 10 s; a
 * lock whose holder is gone is taken over.
 *
 * @param dataDir the PGlite data directory (created 0700 if missing)
 * @returns release: removes the lock (idempotent)
 * @throws DictaMeshError `DATA_DIR_IN_USE` naming the holder when another live process holds it
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const path = join(dir, DATA_DIR_LOCK_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const take = () => writeFileSync(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
  try {
    take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!stale(path, dir)) throw inUse(dir, path);
    rmSync(path, { force: true });
    try {
      take();
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST') throw inUse(dir, path); // another process took it over first
      throw again;
    }
  }
  held.add(dir);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      // removed under us: nothing to keep alive
    }
  }, STALE_MS / 3);
  heartbeat.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    held.delete(dir);
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as Holder).pid === mine.pid) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}

function inUse(dir: string, path: string) {
  let holder = 'another process';
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    holder = `process ${h.pid} on ${h.host} since ${h.since}`;
  } catch {
    // described generically
  }
  return err(
    'DATA_DIR_IN_USE',
    `The PGlite data directory ${dir} is in use by ${holder} (PGlite serves one process): stop that process, or work through its gateway.`,
    { dataDir: dir },
  );
}
