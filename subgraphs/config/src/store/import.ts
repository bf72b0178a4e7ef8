import { isDeepStrictEqual } from 'node:util';
import type { ConfigScopeRef } from '@dictamesh/events';
import { DictaMeshError, err } from '@dictamesh/runtime';
import { recordAudit, type WriteActor } from '../audit/record';
import type { ConfigServices } from '../context';
import { pathOf } from '../scopes/scope';
import type { Violation } from '../validation/schemas';
import { currentRevision, lockConfigWrites } from './revision';
import { findEntry, type ConfigValueKind, type Db } from './rows';
import { plainValue } from './secret-values';
import { applyConfigWrite } from './write';

/** One entry of an import document, its scope checked (or the reason it could not be). */
export interface ImportEntry {
  /** Null when the scope or key is invalid (`problem` says why). */
  scope: ConfigScopeRef | null;
  key: string;
  kind?: ConfigValueKind | null;
  /** Undefined: no value (a schema-only entry). */
  value?: unknown;
  jsonSchema?: unknown;
  description?: string | null;
  /** A scope or key error found before the import ran. */
  problem?: Violation;
}

/** What the import did (or would do) to one entry. */
export interface ImportItem {
  key: string;
  scope: ConfigScopeRef | null;
  action: 'CREATE' | 'UPDATE' | 'UNCHANGED' | 'INVALID';
  violations: Violation[];
  /** After apply: the version written. */
  version: number | null;
}

/** `ConfigImportResult`. */
export interface ImportResult {
  applied: boolean;
  items: ImportItem[];
  revision: bigint;
}

/** Thrown to roll a dry run's transaction back. */
class DryRun extends Error {
  constructor(readonly items: ImportItem[]) {
    super('dry run');
  }
}

/** The violations an error stands for. */
function violationsOf(error: DictaMeshError): Violation[] {
  const listed = (error.details as { violations?: Violation[] }).violations;
  if (Array.isArray(listed) && listed.length > 0) return listed;
  const conflicts = (error.details as { scopes?: string[] }).scopes;
  const message = Array.isArray(conflicts) ? `${error.message} (${conflicts.join(', ')})` : error.message;
  return [{ pointer: '', keyword: error.code, message }];
}

/**
 * Imports entries, all or nothing: in one transaction under the configuration write lock, each
 * entry is compared with what is stored (UNCHANGED ones are not written) and written as
 * `writeConfig` would (validated against its schema as the import leaves it); a dry run
 * (`apply` false) rolls everything back and reports what would happen. One IMPORT audit row
 * lists the keys (never a value).
 * @throws DictaMeshError `CONFIG_IMPORT_INVALID` (with `apply`, when any entry is invalid; details.items lists them)
 */
export async function importConfig(
  services: ConfigServices,
  actor: WriteActor,
  entries: ImportEntry[],
  options: { apply: boolean; reason?: string | null; orgId: string | null },
): Promise<ImportResult> {
  let items: ImportItem[];
  try {
    items = await services.prisma.$transaction(
      async (tx) => {
        await lockConfigWrites(tx);
        const done: ImportItem[] = [];
        for (const entry of entries) done.push(await importOne(tx, services, actor, entry, options.reason ?? null));
        const invalid = done.filter((item) => item.action === 'INVALID');
        if (invalid.length > 0 && options.apply)
          throw err('CONFIG_IMPORT_INVALID', undefined, {
            items: done
              .map((item, index) => ({ index, key: item.key, scope: item.scope ? pathOf(item.scope) : null, violations: item.violations }))
              .filter((_, index) => done[index]!.action === 'INVALID'),
          });
        if (!options.apply) throw new DryRun(done);
        await recordAudit(tx, actor, importAudit(done, options, true), services.now());
        return done;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
    items = error.items.map((item) => ({ ...item, version: null }));
    await recordAudit(services.prisma, actor, importAudit(items, options, false), services.now());
    return { applied: false, items, revision: await currentRevision(services.prisma) };
  }
  services.publishChanges();
  return { applied: true, items, revision: await currentRevision(services.prisma) };
}

/** The IMPORT audit row: counts and the keys touched. */
function importAudit(items: ImportItem[], options: { apply: boolean; reason?: string | null; orgId: string | null }, applied: boolean) {
  const count = (action: ImportItem['action']) => items.filter((item) => item.action === action).length;
  return {
    orgId: options.orgId,
    action: 'IMPORT',
    outcome: 'ALLOWED' as const,
    detail: {
      applied,
      items: items.length,
      created: count('CREATE'),
      updated: count('UPDATE'),
      unchanged: count('UNCHANGED'),
      invalid: count('INVALID'),
      keys: items
        .filter((item) => item.action === 'CREATE' || item.action === 'UPDATE')
        .slice(0, 200)
        .map((item) => `${item.scope ? pathOf(item.scope) : '?'}:${item.key}`),
      ...(options.reason ? { reason: options.reason } : {}),
    },
  };
}

/** Compares and writes one entry inside the import's transaction. */
async function importOne(
  tx: Db,
  services: ConfigServices,
  actor: WriteActor,
  entry: ImportEntry,
  reason: string | null,
): Promise<ImportItem> {
  const base = { key: entry.key, scope: entry.scope, version: null };
  if (!entry.scope || entry.problem)
    return { ...base, action: 'INVALID', violations: [entry.problem ?? { pointer: '', keyword: 'scope', message: 'invalid scope' }] };
  const scope = entry.scope;
  const existing = await findEntry(tx, scope, entry.key);
  const hasValue = entry.value !== undefined;
  if (!hasValue && entry.jsonSchema === undefined)
    return {
      ...base,
      action: 'INVALID',
      violations: [{ pointer: '', keyword: 'value', message: 'an entry needs a value or a jsonSchema' }],
    };
  if (existing) {
    const same =
      (entry.kind ?? existing.kind) === existing.kind &&
      (!hasValue || (existing.hasValue && isDeepStrictEqual(await plainValue(services.secrets, existing.id, existing), entry.value))) &&
      (entry.jsonSchema === undefined || isDeepStrictEqual(entry.jsonSchema, existing.jsonSchema)) &&
      (entry.description === undefined || entry.description === existing.description);
    if (same) return { ...base, action: 'UNCHANGED', violations: [] };
  }
  try {
    const row = await applyConfigWrite(tx, services, actor, {
      scope,
      key: entry.key,
      operation: hasValue ? 'SET' : 'SCHEMA',
      ...(entry.kind ? { kind: entry.kind } : {}),
      ...(hasValue ? { value: entry.value } : {}),
      ...(entry.jsonSchema !== undefined ? { jsonSchema: entry.jsonSchema } : {}),
      ...(entry.description !== undefined ? { description: entry.description } : {}),
      reason,
    });
    return { ...base, action: existing?.hasValue || (existing && !hasValue) ? 'UPDATE' : 'CREATE', violations: [], version: row.version };
  } catch (error) {
    if (!(error instanceof DictaMeshError)) throw error;
    return { ...base, action: 'INVALID', violations: violationsOf(error) };
  }
}
