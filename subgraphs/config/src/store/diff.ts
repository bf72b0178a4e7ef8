import { isDeepStrictEqual } from 'node:util';
import { createPatch } from 'rfc6902';
import type { ConfigScopeRef } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { pathOf } from '../scopes/scope';
import { findEntry, type ConfigVersionRow, type Db } from './rows';
import { plainValue } from './secret-values';

/** One JSON Patch operation (RFC 6902). */
export interface PatchOperation {
  op: string;
  path: string;
  from?: string | null;
  value?: unknown;
}

/** What changed between two versions of an entry (`ConfigDiff`). */
export interface ConfigDiffResult {
  key: string;
  scope: ConfigScopeRef;
  fromVersion: number;
  toVersion: number;
  /** The JSON Patch turning `from`'s value into `to`'s (empty when either is a secret). */
  operations: PatchOperation[];
  secretChanged: boolean;
  schemaChanged: boolean;
  kindChanged: boolean;
}

/**
 * The difference between versions `from` and `to` of the entry `key` at `scope`: the value's
 * RFC 6902 patch (rfc6902 `createPatch`; a missing value counts as null), or for secrets only
 * whether the clear value changed (both are opened and compared, never returned).
 * @throws DictaMeshError `CONFIG_KEY_UNKNOWN` (no entry), `CONFIG_VERSION_UNKNOWN` (either version)
 */
export async function diffVersions(
  db: Db,
  secrets: SecretSealer,
  scope: ConfigScopeRef,
  key: string,
  from: number,
  to: number,
): Promise<ConfigDiffResult> {
  const entry = await findEntry(db, scope, key);
  if (!entry) throw err('CONFIG_KEY_UNKNOWN', undefined, { key, scope: pathOf(scope) });
  const rows = await db.configVersion.findMany({ where: { entryId: entry.id, version: { in: [from, to] } } });
  const versionOf = (version: number): ConfigVersionRow => {
    const row = rows.find((r) => r.version === version);
    if (!row) throw err('CONFIG_VERSION_UNKNOWN', undefined, { key, version, currentVersion: entry.version });
    return row;
  };
  const a = versionOf(from);
  const b = versionOf(to);
  const secret = a.kind === 'SECRET' || b.kind === 'SECRET';
  const [valueA, valueB] = [await plainValue(secrets, entry.id, a), await plainValue(secrets, entry.id, b)];
  return {
    key,
    scope,
    fromVersion: from,
    toVersion: to,
    operations: secret ? [] : (createPatch(valueA, valueB) as PatchOperation[]),
    secretChanged: secret && (a.kind !== b.kind || a.hasValue !== b.hasValue || !isDeepStrictEqual(valueA, valueB)),
    schemaChanged: !isDeepStrictEqual(a.jsonSchema, b.jsonSchema),
    kindChanged: a.kind !== b.kind,
  };
}
