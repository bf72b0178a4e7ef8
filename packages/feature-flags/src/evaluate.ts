import { constraintHolds, contextValue } from './constraints';
import { normalizedValue, VARIANT_HASH_SEED } from './hash';
import type { EvaluateOptions, EvaluationContext, FlagDefinition, FlagResult, FlagRule, FlagType, FlagValue, FlagVariant } from './types';

/** Unleash's random stickiness value: a number in 1..10000 as a string. */
function randomId(random: () => number): string {
  return String(Math.floor(random() * 10000) + 1);
}

/**
 * The stickiness value of a subject: `default` is userId (else targetingKey), else sessionId, else
 * random; `random` is random; any other name reads that context field (undefined when absent).
 */
function stickinessValue(
  stickiness: string | undefined,
  context: EvaluationContext,
  options: Required<EvaluateOptions>,
): string | undefined {
  if (stickiness === undefined || stickiness === 'default')
    return contextValue(context, 'userId', options.now) ?? contextValue(context, 'sessionId', options.now) ?? randomId(options.random);
  if (stickiness === 'random') return randomId(options.random);
  return contextValue(context, stickiness, options.now);
}

/**
 * Picks a variant as Unleash does: the stickiness of the first variant (default `default`), the
 * hash `normalizedValue(stickinessValue, groupId, totalWeight, seed)`, then the first variant
 * whose running weight reaches it (0-weight variants skipped). Unleash hashes a strategy's
 * variants with seed 86028157 and the strategy's groupId, a feature's own variants with seed 0
 * and the feature name (the vectors of its client specification, 08/12 and 16, need both).
 * Undefined for an empty list, a zero total weight or a custom stickiness field the context lacks.
 */
function pickVariant(
  variants: FlagVariant[] | undefined,
  groupId: string,
  seed: number,
  context: EvaluationContext,
  options: Required<EvaluateOptions>,
): FlagVariant | undefined {
  if (!variants?.length) return undefined;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return undefined;
  const id = stickinessValue(variants[0]!.stickiness, context, options);
  if (id === undefined) return undefined;
  const target = normalizedValue(id, groupId, total, seed);
  let counter = 0;
  for (const variant of variants) {
    if (variant.weight === 0) continue;
    counter += variant.weight;
    if (counter >= target) return variant;
  }
  return undefined;
}

/**
 * Whether a rule applies: every constraint holds, then Unleash's flexible rollout — with a
 * `rollout` below 100, enabled when rollout > 0 and `normalizedValue(stickinessValue, groupId)` ≤
 * rollout (a stickiness field the context lacks does not match).
 */
function ruleMatches(rule: FlagRule, key: string, context: EvaluationContext, options: Required<EvaluateOptions>): boolean {
  for (const constraint of rule.constraints ?? []) if (!constraintHolds(constraint, context, options.now)) return false;
  const rollout = rule.rollout ?? 100;
  if (rollout >= 100) return true;
  if (rollout <= 0) return false;
  const id = stickinessValue(rule.stickiness, context, options);
  return id !== undefined && normalizedValue(id, rule.groupId ?? key) <= rollout;
}

/**
 * Evaluates a feature flag for a context:
 * - `expected` given and not the flag's type → reason ERROR, `TYPE_MISMATCH`;
 * - disabled → `offValue` (else `defaultValue`), DISABLED;
 * - no rules → the flag's variants (SPLIT) or `defaultValue` (STATIC);
 * - the first matching rule (see {@link FlagRule}) → its `value` (TARGETING_MATCH, SPLIT when it
 *   has a rollout below 100), else a variant of the rule's, else of the flag's (SPLIT), else
 *   `true` for boolean flags / `defaultValue`;
 * - no rule matches → `defaultValue`, DEFAULT.
 * Never throws: a definition that breaks its own shape answers ERROR `GENERAL`. The definition is
 * not validated here (check it once with `flagDefinitionViolations`).
 */
export function evaluateFlag(
  definition: FlagDefinition,
  context: EvaluationContext = {},
  expected?: FlagType,
  options: EvaluateOptions = {},
): FlagResult {
  const opts: Required<EvaluateOptions> = {
    key: options.key ?? '',
    random: options.random ?? Math.random,
    now: options.now ?? (() => new Date()),
  };
  try {
    if (expected !== undefined && definition.type !== expected)
      return {
        value: null,
        reason: 'ERROR',
        errorCode: 'TYPE_MISMATCH',
        errorMessage: `flag is of type ${definition.type}, not ${expected}`,
      };
    if (!definition.enabled) return { value: definition.offValue ?? definition.defaultValue, reason: 'DISABLED' };
    if (!definition.rules.length) {
      const variant = pickVariant(definition.variants, opts.key, 0, context, opts);
      return variant
        ? { value: variant.value, variant: variant.name, reason: 'SPLIT' }
        : { value: definition.defaultValue, reason: 'STATIC' };
    }
    for (const rule of definition.rules) {
      if (!ruleMatches(rule, opts.key, context, opts)) continue;
      const split = (rule.rollout ?? 100) < 100;
      if (rule.value !== undefined) return { value: rule.value, reason: split ? 'SPLIT' : 'TARGETING_MATCH' };
      const variant = rule.variants?.length
        ? pickVariant(rule.variants, rule.groupId ?? opts.key, VARIANT_HASH_SEED, context, opts)
        : pickVariant(definition.variants, opts.key, 0, context, opts);
      if (variant) return { value: variant.value, variant: variant.name, reason: 'SPLIT' };
      const value: FlagValue = definition.type === 'boolean' ? true : definition.defaultValue;
      return { value, reason: split ? 'SPLIT' : 'TARGETING_MATCH' };
    }
    return { value: definition.defaultValue, reason: 'DEFAULT' };
  } catch (cause) {
    return { value: null, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: cause instanceof Error ? cause.message : String(cause) };
  }
}
