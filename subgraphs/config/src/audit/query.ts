import type { Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { ConfigAuditRow, Db } from '../store/rows';

/** `ConfigAuditFilter`, with the organisation already decided (null: the platform's rows). */
export interface AuditQuery {
  orgId: string | null;
  key?: string | null;
  prefix?: string | null;
  actions?: string[] | null;
  actor?: string | null;
  since?: Date | null;
  until?: Date | null;
  /** Page size, 1–{@link AUDIT_PAGE_MAX}. */
  first: number;
  /** The `endCursor` of the previous page. */
  after?: string | null;
}

/** Largest audit page. */
export const AUDIT_PAGE_MAX = 200;

/** A page of the audit log, newest first. */
export interface AuditPage {
  nodes: ConfigAuditRow[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The opaque cursor of a row (its id). */
export function auditCursor(id: bigint): string {
  return Buffer.from(`audit:${id}`, 'utf8').toString('base64url');
}

/** The id an opaque cursor stands for. @throws DictaMeshError `BAD_USER_INPUT` when it is not one of ours */
function cursorId(cursor: string): bigint {
  const match = /^audit:(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw err('BAD_USER_INPUT', 'The cursor is not one this audit log gave.', { field: 'after' });
  return BigInt(match[1]!);
}

/**
 * One page of the audit log of one organisation (or the platform's), newest first, keyset-paginated on the id.
 * @throws DictaMeshError `BAD_USER_INPUT` (page size outside 1–200, a foreign cursor)
 */
export async function auditPage(db: Db, query: AuditQuery): Promise<AuditPage> {
  if (!Number.isInteger(query.first) || query.first < 1 || query.first > AUDIT_PAGE_MAX)
    throw err('BAD_USER_INPUT', `first must be between 1 and ${AUDIT_PAGE_MAX}.`, { field: 'first', max: AUDIT_PAGE_MAX });
  const where: Prisma.ConfigAuditLogWhereInput = {
    orgId: query.orgId,
    ...(query.after ? { id: { lt: cursorId(query.after) } } : {}),
    ...(query.key ? { key: query.key } : query.prefix ? { key: { startsWith: query.prefix } } : {}),
    ...(query.actions?.length ? { action: { in: query.actions } } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.since || query.until
      ? { at: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lt: query.until } : {}) } }
      : {}),
  };
  const rows = await db.configAuditLog.findMany({ where, orderBy: { id: 'desc' }, take: query.first + 1 });
  const nodes = rows.slice(0, query.first);
  const hasNextPage = rows.length > query.first;
  return { nodes, hasNextPage, endCursor: hasNextPage ? auditCursor(nodes.at(-1)!.id) : null };
}
