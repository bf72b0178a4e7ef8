/** The value type of a flag (OpenFeature's boolean, string, number and object flags). */
export type FlagType = 'boolean' | 'string' | 'number' | 'object';

/** A flag value: a boolean, string, number, or a JSON object/array for `object` flags. */
export type FlagValue = boolean | string | number | { [key: string]: unknown } | unknown[];

/** The constraint operators of Unleash's strategy constraints. */
export const CONSTRAINT_OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'STR_CONTAINS',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_LT',
] as const;

/** One of {@link CONSTRAINT_OPERATORS}. */
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/**
 * A condition on one context field, as Unleash's strategy constraints: list operators (`IN`,
 * `NOT_IN`, `STR_*`) read `values` (any one matches), single-value operators (`NUM_*`, `DATE_*`,
 * `SEMVER_*`) read `value`. `inverted` negates the outcome; `caseInsensitive` applies to `IN`,
 * `NOT_IN` and `STR_*`.
 */
export interface FlagConstraint {
  /** `userId` (falls back to `targetingKey`), `sessionId`, `currentTime` (defaults to now) or any context field. */
  contextName: string;
  operator: ConstraintOperator;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

/**
 * One weighted variant, picked by Unleash's variant hashing (normalizer = the total weight; a
 * rule's variants with seed 86028157 and the rule's groupId, the flag's with seed 0 and the flag key).
 */
export interface FlagVariant {
  name: string;
  /** The flag's value when this variant is picked (of the flag's type). */
  value: FlagValue;
  /** Relative weight (≥ 0; a 0 weight is never picked). */
  weight: number;
  /** Read from the first variant of a list only (as Unleash); `default` when absent. */
  stickiness?: string;
}

/**
 * A targeting rule (Unleash's flexible rollout strategy with its constraints): it matches when
 * every constraint holds and the subject falls inside `rollout`.
 */
export interface FlagRule {
  name?: string;
  constraints?: FlagConstraint[];
  /** Percentage 0–100 of subjects it applies to (absent: 100, no hashing). */
  rollout?: number;
  /** `default` (userId, else sessionId, else random), `userId`, `sessionId`, `random` or a context field. */
  stickiness?: string;
  /** Hash group (default: the flag key): rules sharing a group id roll out to the same subjects. */
  groupId?: string;
  /** The value when it matches (boolean flags: `true` when absent and no variants apply). */
  value?: FlagValue;
  /** Variants picked when it matches (before the flag's own `variants`). */
  variants?: FlagVariant[];
}

/** A feature flag definition (JSON Schema `urn:dictamesh:schema:feature-flag:1`). */
export interface FlagDefinition {
  type: FlagType;
  /** False: every evaluation answers `offValue` (else `defaultValue`) with reason DISABLED. */
  enabled: boolean;
  /** The value when no rule matches. */
  defaultValue: FlagValue;
  /** The value while disabled (default: `defaultValue`). */
  offValue?: FlagValue;
  /** Evaluated in order; the first that matches decides. */
  rules: FlagRule[];
  /** Variants of a matching rule that has neither `value` nor variants, or of a flag with no rules. */
  variants?: FlagVariant[];
}

/**
 * Who a flag is evaluated for (OpenFeature's evaluation context, flattened): `targetingKey` stands
 * for `userId` when that is absent; any other field can be tested by constraints or used as
 * stickiness.
 */
export interface EvaluationContext {
  targetingKey?: string;
  userId?: string;
  sessionId?: string;
  /** ISO-8601 date-time or a Date, for `DATE_*` constraints (default: now). */
  currentTime?: string | Date;
  [field: string]: unknown;
}

/** OpenFeature's resolution reasons, as far as flags produce them. */
export type FlagReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR';

/** OpenFeature's error codes, as far as evaluation produces them. */
export type FlagErrorCode = 'TYPE_MISMATCH' | 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'GENERAL';

/** The outcome of {@link evaluateFlag}. With reason ERROR, `value` is null (the caller's default applies). */
export interface FlagResult {
  value: FlagValue | null;
  /** The variant picked, when one was. */
  variant?: string;
  reason: FlagReason;
  errorCode?: FlagErrorCode;
  /** A short explanation with ERROR. */
  errorMessage?: string;
}

/** Options of {@link evaluateFlag}. */
export interface EvaluateOptions {
  /** The flag's key: the default `groupId` of rules and the hash group of the flag's variants (default ''). */
  key?: string;
  /** Random source in [0, 1) for `random` stickiness (default Math.random). */
  random?: () => number;
  /** Clock for `currentTime` when the context has none (default: the system clock). */
  now?: () => Date;
}
