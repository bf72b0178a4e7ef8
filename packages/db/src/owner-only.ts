import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Takes group and other access away from a directory tree: the directory and every directory
 * in it become 0700, every file 0600 (as Postgres' own `initdb` leaves a data directory, and as
 * the key files are written). Symbolic links are left alone (chmod would follow them out of
 * the tree).
 *
 * PGlite's file system layer creates files 0666 and directories 0755 whatever the process
 * umask, and changing the umask is process-wide (every other file the process writes meanwhile
 * would change too), so the modes are fixed after the fact: files PGlite creates later lie in
 * a 0700 directory that nobody else can enter.
 *
 * @param root an existing directory
 * @throws the `fs` error (ENOENT, EPERM) when a mode cannot be changed
 */
export function restrictToOwner(root: string): void {
  chmodSync(root, 0o700);
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const wanted = entry.isDirectory() ? 0o700 : 0o600;
    // a file can vanish between listing and chmod (PGlite removes temporary files)
    try {
      if ((lstatSync(path).mode & 0o777) !== wanted) chmodSync(path, wanted);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
