import { execFile } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The unprivileged user a root test run starts the image's command as (nobody:nogroup, as on Debian). */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 } as const;

/**
 * Stages the compiled runtime of the repository at `root` into `target` with
 * scripts/build/stage-runtime.ts (exactly what the image's runtime stage copies), then gives it
 * dependencies without `npm ci --omit=dev` (minutes here, and a registry round trip): a real
 * `node_modules` whose `@dictamesh/*` entries link to the STAGED packages (as npm links
 * workspaces), every other entry a symlink to the repository's installed package, and the
 * workspaces' own nested `node_modules` linked the same way. Dev dependencies are therefore
 * visible too: this proves the staged tree is complete and read-only-safe, not the
 * production dependency list (the image's `npm ci --omit=dev` does).
 */
export async function stageRuntimeTree(root: string, target: string, env: NodeJS.ProcessEnv): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'scripts/build/stage-runtime.ts', target], { cwd: root, env, timeout: 120_000 });
  const modules = join(target, 'node_modules');
  mkdirSync(join(modules, '@dictamesh'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '@dictamesh' || entry === '.bin' || entry.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
  }
  for (const name of readdirSync(join(root, 'node_modules', '@dictamesh'))) {
    const link = join(root, 'node_modules', '@dictamesh', name);
    if (!lstatSync(link).isSymbolicLink()) throw new Error(`node_modules/@dictamesh/${name} is not a workspace link`);
    // relative (../../packages/runtime): from the staged node_modules it reaches the staged package
    symlinkSync(readlinkSync(link), join(modules, '@dictamesh', name));
  }
  for (const parent of ['packages', 'subgraphs', 'adapters', 'cli', 'gateway']) {
    const folders = parent === 'cli' || parent === 'gateway' ? [parent] : readdirSync(join(target, parent)).map((d) => join(parent, d));
    for (const folder of folders) {
      const nested = join(root, folder, 'node_modules');
      if (exists(nested) && exists(join(target, folder))) symlinkSync(nested, join(target, folder, 'node_modules'));
    }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `tree` unwritable for the process about to run in it: every file and folder loses its
 * write bits (a root-owned image layer read by `node`). Run as root, that alone stops nothing,
 * so the caller also starts the process as {@link UNPRIVILEGED}; `dataDir` (the volume) is then
 * that user's, mode 0700. Symbolic links are left as they are.
 */
export function lockTree(tree: string, dataDir: string, asUnprivileged: boolean): void {
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    chmodSync(path, stat.mode & 0o555);
  };
  walk(tree);
  if (asUnprivileged) chownSync(dataDir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  chmodSync(dataDir, 0o700);
}

/**
 * The folders from `/` to `path` that other users cannot enter (no `o+x`): a process started as
 * {@link UNPRIVILEGED} could not reach the repository's packages through them.
 */
export function closedAncestors(path: string): string[] {
  const closed: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if ((lstatSync(dir).mode & 0o001) === 0) closed.push(dir);
    if (dirname(dir) === dir) return closed.reverse();
  }
}

/** Gives the write bits back (owner only) so the tree can be removed. */
export function unlockTree(tree: string): void {
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    chmodSync(path, stat.mode | 0o200);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(tree);
}

/** Every file and folder under `tree` (links not followed) → `size mtime mode`, to see whether anything was written. */
export function snapshotTree(tree: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string) => {
    const stat = lstatSync(path);
    out.set(relative(tree, path) || '.', `${stat.size} ${stat.mtimeMs} ${stat.mode.toString(8)}`);
    if (stat.isDirectory() && !stat.isSymbolicLink()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(tree);
  return out;
}

/** `count` TCP ports free on loopback right now (each bound once to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
