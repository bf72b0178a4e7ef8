import type { Prisma } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';

/** A row of `dictamesh_configurations`. */
export type ConfigEntryRow = Prisma.ConfigEntryModel;

/** A row of `dictamesh_config_versions`. */
export type ConfigVersionRow = Prisma.ConfigVersionModel;

/** A row of `dictamesh_config_audit_logs`. */
export type ConfigAuditRow = Prisma.ConfigAuditLogModel;

/** What an entry holds (`ConfigValueKind`). */
export type ConfigValueKind = 'VALUE' | 'SECRET' | 'FLAG';

/** A Prisma client or an interactive transaction's client. */
export type Db = Prisma.TransactionClient;

/** The Prisma filter of one exact scope. */
export function whereScope(scope: ConfigScopeRef): { orgId: string | null; environment: string; service: string; component: string } {
  return { orgId: scope.orgId, environment: scope.environment, service: scope.service, component: scope.component };
}

/** The scope of a stored entry or version. */
export function scopeOfRow(row: { orgId: string | null; environment: string; service: string; component: string }): ConfigScopeRef {
  return { orgId: row.orgId, environment: row.environment, service: row.service, component: row.component };
}

/** The entry of `key` at exactly `scope`, or null. */
export function findEntry(db: Db, scope: ConfigScopeRef, key: string): Promise<ConfigEntryRow | null> {
  return db.configEntry.findFirst({ where: { ...whereScope(scope), key } });
}
