import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { SubscriberConnectionRecord } from '../graphql/records';

/** Most subscribers in one page. */
export const MAX_SUBSCRIBER_PAGE = 200;

/** Opaque cursor in the oldest-first order: base64url of `createdAt|id`. */
function cursorOf(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @throws DictaMeshError `INVALID_CURSOR` */
function parseCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) throw err('INVALID_CURSOR', undefined, { field: 'after' });
  return { createdAt, id };
}

/**
 * An organisation's subscribers, oldest first, keyset-paginated on (`createdAt`, `id`).
 * @param page.first 1–{@link MAX_SUBSCRIBER_PAGE}
 * @throws DictaMeshError `BAD_USER_INPUT` (first out of range), `INVALID_CURSOR`
 */
export async function listSubscribers(
  prisma: PrismaClient,
  orgId: string,
  page: { first: number; after: string | null },
): Promise<SubscriberConnectionRecord> {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > MAX_SUBSCRIBER_PAGE)
    throw err('BAD_USER_INPUT', `first must be 1 to ${MAX_SUBSCRIBER_PAGE}.`, { field: 'first' });
  const after = page.after ? parseCursor(page.after) : null;
  const rows = await prisma.notificationSubscriber.findMany({
    where: {
      orgId,
      ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: page.first + 1,
  });
  const nodes = rows.slice(0, page.first);
  return { rows: nodes, cursors: nodes.map(cursorOf), hasNextPage: rows.length > page.first };
}

/** Whether `id` is a uuid (ids of other shapes match no row; Postgres would refuse them). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
