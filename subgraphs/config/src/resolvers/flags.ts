import { evaluateFlag, flagDefinitionViolations, type EvaluationContext, type FlagDefinition } from '@dictamesh/feature-flags';
import type { FlagContextInput, FlagEvaluation, Resolvers } from '../__generated__/resolvers-types';
import { audited, type AuditNote } from '../audit/audited';
import type { ConfigContext } from '../context';
import { resolveConfig } from '../resolve/resolve';
import { scopeOf, type ScopeInput } from '../scopes/scope';

/** The flags in effect at a scope of the caller (`resolveConfig`, kind FLAG only), keys in order; the scope noted for the audit row. */
async function flagsAt(ctx: ConfigContext, note: AuditNote, input: ScopeInput) {
  const scope = scopeOf(ctx, input);
  note.scope = scope;
  const { values } = await resolveConfig(ctx.prisma, scope, { kinds: ['FLAG'] }, ctx.resolveCache);
  return values;
}

/**
 * The evaluation context of `FlagContextInput`: the attributes object flattened, then
 * `targetingKey`, `userId` and `sessionId` over it (a non-object `attributes` is ignored).
 */
export function flagContextOf(input: FlagContextInput | null | undefined): EvaluationContext {
  const attributes = input?.attributes;
  const base =
    attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)
      ? { ...(attributes as Record<string, unknown>) }
      : {};
  for (const field of ['targetingKey', 'userId', 'sessionId'] as const) {
    const value = input?.[field];
    if (typeof value === 'string') base[field] = value;
  }
  return base;
}

/** Evaluates a stored definition (checked first: a stored value that is not a flag answers PARSE_ERROR). */
function evaluateStored(key: string, definition: unknown, version: number, context: EvaluationContext): FlagEvaluation {
  if (flagDefinitionViolations(definition).length)
    return { key, value: null, reason: 'ERROR', errorCode: 'PARSE_ERROR', flagVersion: version };
  const result = evaluateFlag(definition as FlagDefinition, context, undefined, { key });
  return {
    key,
    value: result.value,
    variant: result.variant ?? null,
    reason: result.reason,
    errorCode: result.errorCode ?? null,
    flagVersion: version,
  };
}

/**
 * `featureFlags` (the flags in effect at a point of the hierarchy, with provenance) and
 * `evaluateFlag` (one flag for a context; never an error for the flag itself: an unknown key
 * answers reason ERROR, `FLAG_NOT_FOUND`). Both read the caller's organisation (and the platform
 * levels above it) only; each read is audited (READ, as `resolvedConfig`).
 * @throws DictaMeshError `CONFIG_SCOPE_INVALID` for a bad scope, `FORBIDDEN` for the platform scope without `dictamesh:platform`
 */
export const flagResolvers: Resolvers = {
  Query: {
    featureFlags: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        const values = await flagsAt(ctx, note, {
          platform: args.platform,
          environment: args.environment,
          service: args.service,
          component: args.component,
        });
        note.detail = { query: 'featureFlags', count: values.length };
        return values.map((v) => ({
          key: v.key,
          definition: v.entry.value,
          source: v.source,
          version: v.entry.version,
          revision: String(v.entry.revision),
        }));
      }),
    evaluateFlag: (_parent, args, ctx) =>
      audited(ctx, 'READ', true, async (note) => {
        note.key = args.key;
        const values = await flagsAt(ctx, note, { environment: args.environment, service: args.service, component: args.component });
        const found = values.find((v) => v.key === args.key);
        note.version = found?.entry.version ?? null;
        note.detail = { query: 'evaluateFlag', found: found !== undefined };
        if (!found) return { key: args.key, value: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' };
        return evaluateStored(args.key, found.entry.value, found.entry.version, flagContextOf(args.context));
      }),
  },
};
