import { err } from '@dictamesh/runtime';
import { isUuid } from '../send/plan';
import type { Page } from './records';

/** A row of a newest-first keyset order: (createdAt desc, id desc). */
export interface KeysetRow {
  createdAt: Date;
  id: string;
}

/** Opaque cursor of a row: base64url of `<ISO createdAt>|<id>`. */
export function encodeCursor(row: KeysetRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}.
 * @throws DictaMeshError `INVALID_CURSOR` (field `after`): not base64url of an ISO time (years
 *   1–9999) and a uuid
 */
export function decodeCursor(cursor: string): KeysetRow {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const createdAt = new Date(bar < 0 ? '' : text.slice(0, bar));
  const id = text.slice(bar + 1);
  const year = createdAt.getUTCFullYear();
  if (bar < 0 || Number.isNaN(year) || year < 1 || year > 9999 || !isUuid(id)) throw err('INVALID_CURSOR', undefined, { field: 'after' });
  return { createdAt, id };
}

/** Prisma `where` of the rows after `cursor` in the (createdAt desc, id desc) order. @throws DictaMeshError `INVALID_CURSOR` */
export function after(cursor: string | null | undefined) {
  if (!cursor) return {};
  const { createdAt, id } = decodeCursor(cursor);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** The (createdAt desc, id desc) order of a keyset page. */
export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * Checks a page size.
 * @throws DictaMeshError `BAD_USER_INPUT` (field `first`) outside 1–`max`
 */
export function pageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw err('BAD_USER_INPUT', `first must be 1 to ${max}.`, { field: 'first' });
  return first;
}

/** A page of `first` rows from a query that fetched `first + 1` (the extra one says there is a next page). */
export function pageOf<Row extends KeysetRow>(rows: Row[], first: number): Page<Row> {
  const page = rows.slice(0, first);
  return { rows: page, cursors: page.map(encodeCursor), hasNextPage: rows.length > first };
}

/** The Relay fields of a page (`edges`, `nodes`, `pageInfo`). */
export const connectionFields = {
  edges: <Row>(page: Page<Row>) => page.rows.map((node, i) => ({ cursor: page.cursors[i]!, node })),
  nodes: <Row>(page: Page<Row>) => page.rows,
  pageInfo: <Row>(page: Page<Row>) => ({ hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null }),
};
