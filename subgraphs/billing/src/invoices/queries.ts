import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { InvoiceConnectionRecord } from '../graphql/records';

/** Most invoices in one page. */
export const MAX_INVOICE_PAGE = 100;

/** Opaque cursor of an invoice in the newest-first order: base64url of `createdAt|id`. */
function cursorOf(invoice: { createdAt: Date; id: string }): string {
  return Buffer.from(`${invoice.createdAt.toISOString()}|${invoice.id}`).toString('base64url');
}

/** @throws DictaMeshError `INVALID_CURSOR` */
function parseCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw err('INVALID_CURSOR', undefined, { field: 'after' });
  return { createdAt, id };
}

/**
 * An organisation's invoices, newest first, keyset-paginated (`createdAt`, `id`).
 * @param page.first 1–{@link MAX_INVOICE_PAGE}
 * @throws DictaMeshError `BAD_USER_INPUT` (first out of range), `INVALID_CURSOR`
 */
export async function listInvoices(
  prisma: PrismaClient,
  orgId: string,
  page: { first: number; after: string | null },
): Promise<InvoiceConnectionRecord> {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > MAX_INVOICE_PAGE)
    throw err('BAD_USER_INPUT', `first must be 1 to ${MAX_INVOICE_PAGE}.`, { field: 'first' });
  const after = page.after ? parseCursor(page.after) : null;
  const rows = await prisma.invoice.findMany({
    where: {
      orgId,
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.first + 1,
  });
  const nodes = rows.slice(0, page.first);
  const last = nodes.at(-1);
  return { nodes, hasNextPage: rows.length > page.first, endCursor: last ? cursorOf(last) : null };
}

/** An invoice of `orgId` (any organisation when `orgId` is null: the operator); null when unknown or another organisation's. */
export function findInvoice(prisma: PrismaClient, id: string, orgId: string | null) {
  return prisma.invoice.findFirst({ where: { id, ...(orgId === null ? {} : { orgId }) } });
}
