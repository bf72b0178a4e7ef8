import { DictaMeshError } from '@dictamesh/runtime';
import type { ConfigContext } from '../context';
import { pathOf } from '../scopes/scope';
import type { ConfigScopeRef } from '@dictamesh/events';
import { actorOf, deniedDetail, recordAudit, type AuditAction } from './record';

/** What an audited request learns as it runs (its scope once checked, what to note on success). */
export interface AuditNote {
  scope?: ConfigScopeRef;
  key?: string | null;
  version?: number | null;
  /** READ → SECRET_READ when secrets were revealed. */
  action?: AuditAction;
  detail?: Record<string, unknown>;
}

/**
 * Runs a request with its audit row: on success one ALLOWED row when `recordSuccess` (reads;
 * writes record theirs in their own transaction), on a refusal (any DictaMeshError) one DENIED
 * row with the error code, then the error again. The row's organisation is the request's
 * scope's (null: the platform), or the caller's when the scope was refused.
 */
export async function audited<T>(
  ctx: ConfigContext,
  action: AuditAction,
  recordSuccess: boolean,
  body: (note: AuditNote) => Promise<T>,
): Promise<T> {
  const note: AuditNote = {};
  const row = (outcome: 'ALLOWED' | 'DENIED', detail: Record<string, unknown> | undefined) => ({
    orgId: note.scope ? note.scope.orgId : ctx.org,
    action: note.action ?? action,
    outcome,
    scope: note.scope ? pathOf(note.scope) : null,
    key: note.key ?? null,
    version: note.version ?? null,
    detail: detail ?? null,
  });
  let result: T;
  try {
    result = await body(note);
  } catch (error) {
    if (error instanceof DictaMeshError)
      await recordAudit(ctx.prisma, actorOf(ctx), row('DENIED', { ...note.detail, ...deniedDetail(error) }), ctx.now());
    throw error;
  }
  if (recordSuccess) await recordAudit(ctx.prisma, actorOf(ctx), row('ALLOWED', note.detail), ctx.now());
  return result;
}
