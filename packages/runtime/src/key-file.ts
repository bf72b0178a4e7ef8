import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The embedded default for a secret key: a random 32-byte key, base64, kept in a file (mode
 * 0600) created on first use, e.g. next to the PGlite data. Production passes keys from a
 * secret manager instead (environment variables).
 * @returns the file's key (base64)
 */
export function readOrCreateKeyFile(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return readFileSync(path, 'utf8').trim();
}
