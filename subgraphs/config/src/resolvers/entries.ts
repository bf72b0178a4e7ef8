import type { ConfigScopeRef } from '@dictamesh/events';
import { DictaMeshError, err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { audited, type AuditNote } from '../audit/audited';
import { actorOf } from '../audit/record';
import type { ConfigContext } from '../context';
import { assertMaySeeSecrets, maySeeSecrets } from '../graphql/access';
import { entryView, versionView, type Reveal } from '../graphql/views';
import { resolveConfig } from '../resolve/resolve';
import { assertKey, scopeOf, type ScopeInput } from '../scopes/scope';
import { diffVersions } from '../store/diff';
import { importConfig, type ImportEntry } from '../store/import';
import { findEntry, scopeOfRow, whereScope, type ConfigValueKind } from '../store/rows';
import { writeConfig, type ConfigWrite } from '../store/write';
import { effectiveSchema } from '../validation/effective';
import { assertValidSchema } from '../validation/schemas';
import { valueViolations } from '../validation/value';

/** Largest `configVersions` page. */
const VERSIONS_PAGE_MAX = 200;

/**
 * The reveal of a read: refused (CONFIG_SECRET_FORBIDDEN, audited as a denied SECRET_READ) to
 * callers without `config:secrets:read`; the audit action becomes SECRET_READ.
 */
function revealOf(ctx: ConfigContext, revealSecrets: boolean | null | undefined, note: AuditNote): Reveal {
  if (revealSecrets) {
    note.action = 'SECRET_READ';
    assertMaySeeSecrets(ctx);
  }
  return { enabled: revealSecrets === true && maySeeSecrets(ctx), count: 0 };
}

/** The checked scope and key of a request, noted for its audit row. */
function target(ctx: ConfigContext, note: AuditNote, input: ScopeInput | null | undefined, key?: string): ConfigScopeRef {
  if (key !== undefined) note.key = key;
  const scope = scopeOf(ctx, input);
  note.scope = scope;
  if (key !== undefined) assertKey(key);
  return scope;
}

/** Runs a write as an audited mutation (the write records its own ALLOWED row). */
function write(
  ctx: ConfigContext,
  action: ConfigWrite['operation'],
  input: ScopeInput,
  key: string,
  build: (scope: ConfigScopeRef) => Omit<ConfigWrite, 'scope' | 'key' | 'operation'>,
) {
  return audited(ctx, action, false, async (note) => {
    const scope = target(ctx, note, input, key);
    const row = await writeConfig(ctx, actorOf(ctx), { scope, key, operation: action, ...build(scope) });
    return entryView(ctx.secrets, row, { enabled: false, count: 0 }, scope.orgId);
  });
}

/** Queries and mutations of configuration entries: reads, resolution with provenance, versions, diffs, validation, writes, import. */
export const entryResolvers: Resolvers = {
  Query: {
    configEntries: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        const scope = target(ctx, note, args.scope);
        const reveal = revealOf(ctx, args.revealSecrets, note);
        const narrowed = (field: 'environment' | 'service' | 'component') => (scope[field] ? { [field]: scope[field] } : {});
        const rows = await ctx.prisma.configEntry.findMany({
          where: {
            ...(args.below
              ? { orgId: scope.orgId, ...narrowed('environment'), ...narrowed('service'), ...narrowed('component') }
              : whereScope(scope)),
            ...(args.prefix ? { key: { startsWith: args.prefix } } : {}),
          },
          orderBy: [{ environment: 'asc' }, { service: 'asc' }, { component: 'asc' }, { key: 'asc' }],
        });
        const listed = rows.filter((row) => !args.prefix || row.key.startsWith(args.prefix));
        const views = [];
        for (const row of listed) views.push(await entryView(ctx.secrets, row, reveal, scope.orgId));
        note.detail = { query: 'configEntries', count: views.length, ...(reveal.enabled ? { secretsRevealed: reveal.count } : {}) };
        return views;
      }),
    configEntry: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        const scope = target(ctx, note, args.scope, args.key);
        const reveal = revealOf(ctx, args.revealSecrets, note);
        const row = await findEntry(ctx.prisma, scope, args.key);
        note.version = row?.version ?? null;
        const view = row ? await entryView(ctx.secrets, row, reveal, scope.orgId) : null;
        note.detail = { query: 'configEntry', found: row !== null, ...(reveal.enabled ? { secretsRevealed: reveal.count } : {}) };
        return view;
      }),
    resolvedConfig: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        const scope = target(ctx, note, args);
        const reveal = revealOf(ctx, args.revealSecrets, note);
        const { values, revision } = await resolveConfig(ctx.prisma, scope, args.prefix ? { prefix: args.prefix } : {}, ctx.resolveCache);
        const resolved = [];
        for (const value of values) {
          const winner = await entryView(ctx.secrets, value.entry, reveal, scope.orgId);
          const overrides = [];
          for (const override of value.overrides) overrides.push(await entryView(ctx.secrets, override, reveal, scope.orgId));
          resolved.push({
            key: value.key,
            kind: value.kind,
            value: winner.value,
            redacted: winner.redacted,
            source: value.source,
            version: value.entry.version,
            revision: value.entry.revision.toString(),
            overrides,
          });
        }
        note.detail = {
          query: 'resolvedConfig',
          count: resolved.length,
          revision: revision.toString(),
          ...(reveal.enabled ? { secretsRevealed: reveal.count } : {}),
        };
        return {
          organizationId: scope.orgId,
          environment: scope.environment || null,
          service: scope.service || null,
          component: scope.component || null,
          values: resolved,
          revision: revision.toString(),
        };
      }),
    configVersions: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        const scope = target(ctx, note, args.scope, args.key);
        const reveal = revealOf(ctx, args.revealSecrets, note);
        const first = args.first ?? 50;
        if (first < 1 || first > VERSIONS_PAGE_MAX)
          throw err('BAD_USER_INPUT', `first must be between 1 and ${VERSIONS_PAGE_MAX}.`, { field: 'first', max: VERSIONS_PAGE_MAX });
        const entry = await findEntry(ctx.prisma, scope, args.key);
        const rows = entry
          ? await ctx.prisma.configVersion.findMany({
              where: { entryId: entry.id, ...(args.beforeVersion ? { version: { lt: args.beforeVersion } } : {}) },
              orderBy: { version: 'desc' },
              take: first,
            })
          : [];
        const views = [];
        for (const row of rows) views.push(await versionView(ctx.secrets, row, reveal, scope.orgId));
        note.detail = { query: 'configVersions', count: views.length, ...(reveal.enabled ? { secretsRevealed: reveal.count } : {}) };
        return views;
      }),
    configDiff: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        const scope = target(ctx, note, args.scope, args.key);
        note.detail = { query: 'configDiff', fromVersion: args.fromVersion, toVersion: args.toVersion };
        return diffVersions(ctx.prisma, ctx.secrets, scope, args.key, args.fromVersion, args.toVersion);
      }),
    validateConfig: async (_parent, { input }, ctx) => {
      const scope = scopeOf(ctx, input.scope);
      assertKey(input.key);
      const given = input.jsonSchema !== undefined && input.jsonSchema !== null;
      if (given) assertValidSchema(input.jsonSchema);
      const schema = given ? input.jsonSchema : await effectiveSchema(ctx.prisma, scope, input.key);
      const entry = await findEntry(ctx.prisma, scope, input.key);
      const violations = valueViolations((entry?.kind ?? 'VALUE') as ConfigValueKind, input.value ?? null, schema);
      return { valid: violations.length === 0, violations, schema };
    },
  },
  Mutation: {
    setConfig: (_parent, { input }, ctx) =>
      write(ctx, 'SET', input.scope, input.key, () => ({
        ...(input.kind ? { kind: input.kind } : {}),
        value: input.value === undefined ? undefined : input.value,
        ...('jsonSchema' in input ? { jsonSchema: input.jsonSchema ?? null } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        expectedVersion: input.expectedVersion ?? null,
        reason: input.reason ?? null,
      })),
    deleteConfig: (_parent, { input }, ctx) =>
      write(ctx, 'DELETE', input.scope, input.key, () => ({
        expectedVersion: input.expectedVersion ?? null,
        reason: input.reason ?? null,
      })),
    setConfigSchema: (_parent, { input }, ctx) =>
      write(ctx, 'SCHEMA', input.scope, input.key, () => ({
        jsonSchema: input.jsonSchema ?? null,
        expectedVersion: input.expectedVersion ?? null,
        reason: input.reason ?? null,
      })),
    rollbackConfig: (_parent, { input }, ctx) =>
      write(ctx, 'ROLLBACK', input.scope, input.key, () => ({
        rollbackTo: input.toVersion,
        expectedVersion: input.expectedVersion ?? null,
        reason: input.reason ?? null,
      })),
    importConfig: (_parent, args, ctx) =>
      audited(ctx, 'IMPORT', false, async (note) => {
        const entries: ImportEntry[] = args.entries.map((entry) => {
          const base = {
            key: entry.key,
            ...(entry.kind ? { kind: entry.kind } : {}),
            ...('value' in entry ? { value: entry.value ?? null } : {}),
            ...('jsonSchema' in entry ? { jsonSchema: entry.jsonSchema ?? null } : {}),
            ...(entry.description !== undefined ? { description: entry.description } : {}),
          };
          try {
            const scope = scopeOf(ctx, entry.scope);
            assertKey(entry.key);
            return { ...base, scope };
          } catch (error) {
            // a tenant naming the platform scope is refused outright; bad names make the entry INVALID
            if (!(error instanceof DictaMeshError) || error.code === 'FORBIDDEN') throw error;
            return { ...base, scope: null, problem: { pointer: '', keyword: error.code, message: error.message } };
          }
        });
        const orgIds = new Set(entries.map((entry) => (entry.scope ? entry.scope.orgId : ctx.org)));
        note.scope = orgIds.size === 1 && orgIds.has(null) ? { orgId: null, environment: '', service: '', component: '' } : undefined;
        const result = await importConfig(ctx, actorOf(ctx), entries, {
          apply: args.apply === true,
          reason: args.reason ?? null,
          orgId: orgIds.size === 1 ? [...orgIds][0]! : ctx.org,
        });
        return {
          applied: result.applied,
          revision: result.revision.toString(),
          items: result.items.map((item) => ({
            key: item.key,
            scope: item.scope ?? { orgId: ctx.org, environment: '', service: '', component: '' },
            action: item.action,
            violations: item.violations,
            version: item.version,
          })),
        };
      }),
  },
  ConfigEntry: {
    key: ({ row }) => row.key,
    scope: ({ row }) => scopeOfRow(row),
    kind: ({ row }) => row.kind,
    hasValue: ({ row }) => row.hasValue,
    value: ({ value }) => value,
    redacted: ({ redacted }) => redacted,
    jsonSchema: ({ row }) => row.jsonSchema,
    effectiveSchema: ({ row }, _args, ctx) => effectiveSchema(ctx.prisma, scopeOfRow(row), row.key),
    description: ({ row }) => row.description,
    version: ({ row }) => row.version,
    revision: ({ row }) => row.revision.toString(),
    updatedBy: ({ row }) => row.updatedBy,
    updatedAt: ({ row }) => row.updatedAt,
  },
  ConfigOverride: {
    scope: ({ row }) => scopeOfRow(row),
    version: ({ row }) => row.version,
    value: ({ value }) => value,
    redacted: ({ redacted }) => redacted,
  },
  ConfigVersion: {
    key: ({ row }) => row.key,
    scope: ({ row }) => scopeOfRow(row),
    version: ({ row }) => row.version,
    revision: ({ row }) => row.revision.toString(),
    operation: ({ row }) => row.operation,
    kind: ({ row }) => row.kind,
    hasValue: ({ row }) => row.hasValue,
    value: ({ value }) => value,
    redacted: ({ redacted }) => redacted,
    jsonSchema: ({ row }) => row.jsonSchema,
    rollbackOf: ({ row }) => row.rollbackOf,
    author: ({ row }) => row.author,
    reason: ({ row }) => row.reason,
    requestId: ({ row }) => row.requestId,
    createdAt: ({ row }) => row.createdAt,
  },
};
