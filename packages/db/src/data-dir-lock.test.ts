import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './data-dir-lock';

const root = mkdtempSync(join(tmpdir(), 'dictamesh-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('lockDataDir (PGlite keeps no lock: two processes on one directory would corrupt it)', () => {
  it('refuses a second holder, in this process too, until released; the lock file names the holder', () => {
    const dir = join(root, 'a');
    const release = lockDataDir(dir);
    const lock = JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as { pid: number; host: string };
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    expect(codeOf(() => lockDataDir(dir))).toBe('DATA_DIR_IN_USE');
    expect(() => lockDataDir(dir)).toThrow(`is in use by process ${process.pid} on ${hostname()} since `);
    release();
    release();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over the lock of a process that is gone, and of another host whose heartbeat stopped', () => {
    const dir = join(root, 'b');
    lockDataDir(dir)();
    const file = join(dir, DATA_DIR_LOCK_FILE);
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    lockDataDir(dir)();

    writeFileSync(file, JSON.stringify({ pid: 1, host: 'elsewhere', since: '2026-01-01T00:00:00.000Z' }));
    expect(codeOf(() => lockDataDir(dir))).toBe('DATA_DIR_IN_USE'); // touched just now: alive
    const old = new Date(Date.now() - 31_000);
    utimesSync(file, old, old);
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });
});
