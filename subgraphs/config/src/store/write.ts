import { randomUUID } from 'node:crypto';
import { Prisma } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { SealedSecret } from '@dictamesh/secrets';
import { recordAudit, type WriteActor } from '../audit/record';
import type { ConfigServices } from '../context';
import { pathOf } from '../scopes/scope';
import { assertNoSchemaConflict } from '../validation/conflicts';
import { chainSchemas, nearestSchema } from '../validation/effective';
import { assertValidSchema } from '../validation/schemas';
import { assertValidValue } from '../validation/value';
import { currentRevision, lockConfigWrites } from './revision';
import { findEntry, whereScope, type ConfigEntryRow, type ConfigValueKind, type Db } from './rows';
import { openValue, sealValue } from './secret-values';

export type { WriteActor } from '../audit/record';
export { actorOf } from '../audit/record';

/** What a write does: set a value, delete it, change the schema, or restore an earlier version. */
export type ConfigWriteOperation = 'SET' | 'DELETE' | 'SCHEMA' | 'ROLLBACK';

/** One write of one entry (`scope` already checked for the caller: see `scopeOf`). */
export interface ConfigWrite {
  scope: ConfigScopeRef;
  key: string;
  operation: ConfigWriteOperation;
  /** SET: the kind (an existing entry keeps its own unless given; VALUE for a new one). SCHEMA: the kind of a new entry. */
  kind?: ConfigValueKind;
  /** SET: the value (for SECRET the plaintext, sealed before it is stored). */
  value?: unknown;
  /** SET, SCHEMA: the JSON Schema at this scope; undefined = keep; null = remove. */
  jsonSchema?: unknown;
  /** Undefined = keep; null = clear. */
  description?: string | null;
  /** Compare-and-set: the version read; 0 = the entry must not exist yet; null/undefined = no check. */
  expectedVersion?: number | null;
  /** ROLLBACK: the version to restore. */
  rollbackTo?: number;
  /** Why (kept with the version). */
  reason?: string | null;
}

/** The stored state of an entry a write produces. */
interface NextState {
  kind: ConfigValueKind;
  hasValue: boolean;
  /** The clear value (validated; sealed for SECRET). */
  value: unknown;
  /** ROLLBACK of a secret: the version's sealed value, copied as is. */
  sealed?: SealedSecret | null;
  jsonSchema: unknown;
  description: string | null;
  rollbackOf: number | null;
}

/**
 * Writes one entry: one transaction under the configuration write lock
 * (`pg_advisory_xact_lock`, so revisions are given in commit order) that updates the entry
 * (entries are never deleted: DELETE clears the value, so version numbers continue), makes a
 * version (author, reason, request id; `publishedAt` null for the change relay) and an audit
 * row; then {@link ConfigServices.publishChanges}. Values are validated against their kind and
 * effective schema (the nearest on the scope's inheritance chain), schema changes against the
 * values at the scope and below; SECRET values are validated, then sealed (aad `config:<entry id>`).
 * @throws DictaMeshError `CONFIG_VERSION_CONFLICT` (details.currentVersion), `CONFIG_VALIDATION_FAILED`,
 *   `CONFIG_SCHEMA_INVALID`, `CONFIG_SCHEMA_CONFLICT`, `CONFIG_KEY_UNKNOWN` (delete/rollback of no entry),
 *   `CONFIG_VERSION_UNKNOWN` (rollback), `BAD_USER_INPUT` (SET without a value)
 */
export async function writeConfig(services: ConfigServices, actor: WriteActor, write: ConfigWrite): Promise<ConfigEntryRow> {
  const entry = await services.prisma.$transaction(async (tx) => {
    await lockConfigWrites(tx);
    return applyConfigWrite(tx, services, actor, write);
  });
  services.publishChanges();
  return entry;
}

/**
 * {@link writeConfig}'s work inside a transaction whose caller holds the configuration write
 * lock (imports write many entries in one); publishing is the caller's.
 */
export async function applyConfigWrite(tx: Db, services: ConfigServices, actor: WriteActor, write: ConfigWrite): Promise<ConfigEntryRow> {
  const { scope, key } = write;
  const existing = await findEntry(tx, scope, key);
  const current = existing?.version ?? 0;
  if (write.expectedVersion !== undefined && write.expectedVersion !== null) {
    if (write.expectedVersion === 0 ? existing !== null : write.expectedVersion !== current)
      throw err('CONFIG_VERSION_CONFLICT', undefined, { key, expectedVersion: write.expectedVersion, currentVersion: current });
  }
  const id = existing?.id ?? randomUUID();
  const next = await nextState(tx, services, id, existing, write);
  const now = services.now();
  const revision = (await currentRevision(tx)) + 1n;
  const version = current + 1;
  const sealed = next.sealed ?? (next.kind === 'SECRET' && next.hasValue ? await sealValue(services.secrets, id, next.value) : null);
  const stored = {
    kind: next.kind,
    hasValue: next.hasValue,
    value: next.hasValue && next.kind !== 'SECRET' ? toJson(next.value) : Prisma.DbNull,
    ciphertext: sealed ? new Uint8Array(sealed.ciphertext) : null,
    wrappedKey: sealed ? new Uint8Array(sealed.wrappedKey) : null,
    keyId: sealed?.keyId ?? null,
    jsonSchema: next.jsonSchema === null ? Prisma.DbNull : toJson(next.jsonSchema),
  };
  const row = existing
    ? await tx.configEntry.update({
        where: { id },
        data: { ...stored, description: next.description, version, revision, updatedBy: actor.subject, updatedAt: now },
      })
    : await tx.configEntry.create({
        data: {
          id,
          ...whereScope(scope),
          key,
          ...stored,
          description: next.description,
          version,
          revision,
          updatedBy: actor.subject,
          createdAt: now,
          updatedAt: now,
        },
      });
  await tx.configVersion.create({
    data: {
      entryId: id,
      ...whereScope(scope),
      key,
      version,
      revision,
      operation: write.operation,
      ...stored,
      rollbackOf: next.rollbackOf,
      author: actor.subject,
      reason: write.reason ?? null,
      requestId: actor.requestId,
      createdAt: now,
    },
  });
  await recordAudit(
    tx,
    actor,
    {
      orgId: scope.orgId,
      action: write.operation,
      outcome: 'ALLOWED',
      scope: pathOf(scope),
      key,
      version,
      detail: {
        revision: revision.toString(),
        kind: next.kind,
        hasValue: next.hasValue,
        ...(write.jsonSchema !== undefined || write.operation !== 'SET' ? { schemaSet: next.jsonSchema !== null } : {}),
        ...(next.rollbackOf === null ? {} : { rollbackOf: next.rollbackOf }),
        ...(write.reason ? { reason: write.reason } : {}),
      },
    },
    now,
  );
  return row;
}

/** A JSON value for a Prisma `Json` column (JSON null kept as JSON null). */
function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}

/** The entry's state after the write, validated. */
async function nextState(
  tx: Db,
  services: ConfigServices,
  id: string,
  existing: ConfigEntryRow | null,
  write: ConfigWrite,
): Promise<NextState> {
  const { scope, key } = write;
  const keep = {
    kind: (existing?.kind ?? write.kind ?? 'VALUE') as ConfigValueKind,
    jsonSchema: existing?.jsonSchema ?? null,
    description: write.description === undefined ? (existing?.description ?? null) : write.description,
  };
  switch (write.operation) {
    case 'SET': {
      if (write.value === undefined) throw err('BAD_USER_INPUT', 'setConfig needs a value.', { key });
      const kind = write.kind ?? keep.kind;
      const jsonSchema = write.jsonSchema === undefined ? keep.jsonSchema : write.jsonSchema;
      await validateState(tx, services, write, kind, true, write.value, jsonSchema, write.jsonSchema !== undefined);
      return { ...keep, kind, hasValue: true, value: write.value, jsonSchema, rollbackOf: null };
    }
    case 'DELETE':
      if (!existing?.hasValue) throw err('CONFIG_KEY_UNKNOWN', undefined, { key, scope: pathOf(scope) });
      return { ...keep, hasValue: false, value: null, rollbackOf: null };
    case 'SCHEMA': {
      const jsonSchema = write.jsonSchema ?? null;
      if (jsonSchema !== null) assertValidSchema(jsonSchema);
      await assertNoSchemaConflict(tx, services.secrets, scope, key, jsonSchema, false);
      // secrets keep their sealed value as is
      const value = existing?.hasValue && existing.kind !== 'SECRET' ? existing.value : null;
      return { ...keep, hasValue: existing?.hasValue ?? false, value, sealed: sealedOf(existing), jsonSchema, rollbackOf: null };
    }
    case 'ROLLBACK': {
      if (!existing) throw err('CONFIG_KEY_UNKNOWN', undefined, { key, scope: pathOf(scope) });
      const target = write.rollbackTo ?? 0;
      const old = await tx.configVersion.findFirst({ where: { entryId: id, version: target } });
      if (!old) throw err('CONFIG_VERSION_UNKNOWN', undefined, { key, version: target, currentVersion: existing.version });
      const kind = old.kind as ConfigValueKind;
      const value = old.hasValue ? (kind === 'SECRET' ? await openValue(services.secrets, id, old) : old.value) : null;
      await validateState(tx, services, write, kind, old.hasValue, value, old.jsonSchema, true);
      return {
        kind,
        hasValue: old.hasValue,
        value,
        sealed: kind === 'SECRET' && old.hasValue ? sealedOf(old) : null,
        jsonSchema: old.jsonSchema,
        description: keep.description,
        rollbackOf: target,
      };
    }
  }
}

/** Validates a write's resulting value against its schema, and a changed schema against the values below. */
async function validateState(
  tx: Db,
  services: ConfigServices,
  write: ConfigWrite,
  kind: ConfigValueKind,
  hasValue: boolean,
  value: unknown,
  jsonSchema: unknown,
  schemaChanged: boolean,
): Promise<void> {
  const { scope, key } = write;
  if (schemaChanged && jsonSchema !== null) assertValidSchema(jsonSchema);
  if (hasValue) {
    const schemas = await chainSchemas(tx, scope, key);
    schemas.set(pathOf(scope), jsonSchema);
    assertValidValue(kind, value, nearestSchema(schemas, scope), key);
  }
  if (schemaChanged) await assertNoSchemaConflict(tx, services.secrets, scope, key, jsonSchema, true);
}

/** The sealed value of a stored row, if any. */
function sealedOf(row: { ciphertext: Uint8Array | null; wrappedKey: Uint8Array | null; keyId: string | null } | null): SealedSecret | null {
  if (!row?.ciphertext || !row.wrappedKey || !row.keyId) return null;
  return { keyId: row.keyId, wrappedKey: new Uint8Array(row.wrappedKey), ciphertext: new Uint8Array(row.ciphertext) };
}
