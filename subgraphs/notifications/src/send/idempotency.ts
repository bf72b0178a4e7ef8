import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@dictamesh/db';

/** How long an idempotency key of `sendNotification` holds its first answer: 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Longest idempotency key, characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A live (not expired) idempotency key: the request it was first used with and its answer. */
export interface StoredIdempotencyKey {
  /** SHA-256 (hex) of the first request's canonical JSON. */
  requestHash: string;
  /** Ids of the notifications the first request created, in its answer's order. */
  notificationIds: string[];
}

/**
 * JSON of `value` with object keys sorted at every depth (RFC 8785-like: arrays keep their order,
 * `undefined` members are left out), so two requests that differ only in key order are equal.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeys(member);
  }
  return out;
}

/** SHA-256 (hex) of the canonical JSON ({@link canonicalJson}) of a request. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

type Client = PrismaClient | Prisma.TransactionClient;

/** The key `key` of `orgId` when it is live at `now` (expired keys are ignored), else null. */
export async function findIdempotencyKey(prisma: Client, orgId: string, key: string, now: Date): Promise<StoredIdempotencyKey | null> {
  const row = await prisma.notificationIdempotencyKey.findFirst({
    where: { orgId, key, expiresAt: { gt: now } },
    select: { requestHash: true, notificationIds: true },
  });
  return row;
}

/**
 * Takes `key` for this request inside the accepting transaction: inserts it (expiring 24 h after
 * `now`), or takes over an expired row of the same key. Expired keys of the organisation are
 * purged first. A concurrent transaction holding the same new key makes this one wait for its
 * commit (the primary key), so two identical requests never both create notifications.
 * @returns null when this transaction holds the key now; the live key otherwise (the caller
 *   replays its answer or refuses a different request)
 */
export async function claimIdempotencyKey(
  tx: Prisma.TransactionClient,
  q: { orgId: string; key: string; requestHash: string },
  now: Date,
): Promise<StoredIdempotencyKey | null> {
  await tx.notificationIdempotencyKey.deleteMany({ where: { orgId: q.orgId, expiresAt: { lte: now }, NOT: { key: q.key } } });
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_MS);
  const claimed = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO dictamesh_notification_idempotency_keys (org_id, key, request_hash, notification_ids, created_at, expires_at)
    VALUES (${q.orgId}, ${q.key}, ${q.requestHash}, ARRAY[]::text[], ${now}, ${expiresAt})
    ON CONFLICT (org_id, key) DO UPDATE
      SET request_hash = EXCLUDED.request_hash, notification_ids = EXCLUDED.notification_ids,
          created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
      WHERE dictamesh_notification_idempotency_keys.expires_at <= EXCLUDED.created_at
    RETURNING key`;
  if (claimed.length > 0) return null;
  const live = await findIdempotencyKey(tx, q.orgId, q.key, now);
  if (!live) throw new Error(`idempotency key ${q.key} neither claimed nor live`);
  return live;
}

/** Stores the answer (notification ids) of the request that claimed `key`. */
export async function recordIdempotentAnswer(
  tx: Prisma.TransactionClient,
  orgId: string,
  key: string,
  notificationIds: string[],
): Promise<void> {
  await tx.notificationIdempotencyKey.update({ where: { orgId_key: { orgId, key } }, data: { notificationIds } });
}

/** Deletes every key expired at `now` (all organisations); returns how many. */
export async function purgeExpiredIdempotencyKeys(prisma: Client, now: Date): Promise<number> {
  const { count } = await prisma.notificationIdempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
