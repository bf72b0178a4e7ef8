import { createHash, randomBytes } from 'node:crypto';

/**
 * Gateway API keys: `dmk_<12-char id>_<256-bit secret, base64url>`. The id is public (it names
 * the stored record); only the SHA-256 of the secret is stored (a fast hash suffices for 256
 * random bits; slow password hashes guard low-entropy secrets).
 */
const KEY = /^dmk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** A new key. Show `key` once; store `id` and `secretHash`. */
export function generateApiKey(): { id: string; key: string; secretHash: string } {
  const id = randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 12)
    .padEnd(12, '0');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `dmk_${id}_${secret}`, secretHash: hashApiKeySecret(secret) };
}

/** The parts of a key, or null when the string is not one. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = KEY.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** Hex SHA-256 of a key's secret part. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
