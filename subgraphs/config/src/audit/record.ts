import type { Prisma } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import type { ConfigContext } from '../context';
import type { Db } from '../store/rows';

/** Who acts, and from where (the request origin the gateway signed): versions' author and request id, audit rows. */
export interface WriteActor {
  subject: string;
  /** How the principal was verified (`jwt`, `api-key`, `anonymous`; `internal` for DictaMesh itself). */
  method: string;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** The actor of a request: its principal and the origin the gateway signed with it. */
export function actorOf(ctx: Pick<ConfigContext, 'principal' | 'origin'>): WriteActor {
  return {
    subject: ctx.principal.subject,
    method: ctx.principal.method,
    requestId: ctx.origin?.requestId ?? null,
    ip: ctx.origin?.ip ?? null,
    userAgent: ctx.origin?.userAgent ?? null,
  };
}

/** READ, SECRET_READ, SET, DELETE, ROLLBACK, SCHEMA, IMPORT, KEY_ROTATE, KEY_RETIRE, WATCHER_REGISTER, WATCHER_UNREGISTER. */
export type AuditAction = string;

/** One audit entry to write (never a secret value in `detail`). */
export interface AuditEvent {
  /** Organisation acted on; null = the platform scope. */
  orgId: string | null;
  action: AuditAction;
  outcome: 'ALLOWED' | 'DENIED';
  /** Scope path. */
  scope?: string | null;
  key?: string | null;
  version?: number | null;
  /** Counts, error codes, the keys an import touched. */
  detail?: Record<string, unknown> | null;
}

/** Writes one audit row (in `db`, which may be the write's transaction). */
export async function recordAudit(db: Db, actor: WriteActor, event: AuditEvent, at: Date): Promise<void> {
  await db.configAuditLog.create({
    data: {
      at,
      orgId: event.orgId,
      actor: actor.subject,
      actorMethod: actor.method,
      action: event.action,
      outcome: event.outcome,
      scope: event.scope ?? null,
      key: event.key ?? null,
      version: event.version ?? null,
      requestId: actor.requestId,
      ip: actor.ip,
      userAgent: actor.userAgent,
      ...(event.detail ? { detail: event.detail as Prisma.InputJsonObject } : {}),
    },
  });
}

/**
 * The detail of a refused attempt: its error code (never the message's data: a value or a
 * secret could hide in details, so only the code and, for validation, the pointers).
 */
export function deniedDetail(error: unknown): Record<string, unknown> {
  if (error instanceof DictaMeshError) return { code: error.code };
  return { code: 'INTERNAL_SERVER_ERROR' };
}
