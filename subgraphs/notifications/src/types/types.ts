import type { NotificationType, PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';

export { PLATFORM_TYPE_KEYS, type PlatformTypeKey } from './platform';

/** Notification type keys: `[a-z][a-z0-9_.-]*`, at most {@link MAX_TYPE_KEY} characters. */
export const TYPE_KEY = /^[a-z][a-z0-9_.-]*$/;
/** Longest type key, characters. */
export const MAX_TYPE_KEY = 100;

/**
 * The type `key` as organisation `orgId` sees it: its own type of that key (which overrides a
 * platform type of the same key for it), else the platform's.
 * @returns null when neither exists
 */
export async function findType(prisma: PrismaClient, orgId: string, key: string): Promise<NotificationType | null> {
  const rows = await prisma.notificationType.findMany({ where: { key, OR: [{ orgId }, { orgId: null }] } });
  return rows.find((row) => row.orgId === orgId) ?? rows.find((row) => row.orgId === null) ?? null;
}

/**
 * {@link findType}, refusing an unknown key.
 * @throws DictaMeshError `NOTIFICATION_TYPE_UNKNOWN` `{ type }`
 */
export async function requireType(prisma: PrismaClient, orgId: string, key: string): Promise<NotificationType> {
  const type = await findType(prisma, orgId, key);
  if (!type) throw err('NOTIFICATION_TYPE_UNKNOWN', undefined, { type: key });
  return type;
}

/** Every type organisation `orgId` sees, by key: its own, and the platform's it does not override. */
export async function listTypes(prisma: PrismaClient, orgId: string): Promise<NotificationType[]> {
  const rows = await prisma.notificationType.findMany({ where: { OR: [{ orgId }, { orgId: null }] }, orderBy: { key: 'asc' } });
  const own = new Set(rows.filter((row) => row.orgId === orgId).map((row) => row.key));
  return rows.filter((row) => row.orgId === orgId || !own.has(row.key));
}
