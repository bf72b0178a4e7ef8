import { compareSemver } from './semver';
import { CONSTRAINT_OPERATORS, type EvaluationContext, type FlagConstraint } from './types';

/**
 * The value of a context field as constraints and stickiness read it: `userId` falls back to
 * `targetingKey`, `currentTime` to `now()`; strings as they are, numbers, booleans and dates as
 * strings; undefined when absent, null or not a scalar.
 */
export function contextValue(context: EvaluationContext, field: string, now: () => Date): string | undefined {
  let raw = context[field];
  if (raw === undefined || raw === null) {
    if (field === 'userId') raw = context.targetingKey;
    else if (field === 'currentTime') raw = now();
  }
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (raw instanceof Date) return raw.toISOString();
  return undefined;
}

function fold(value: string, caseInsensitive: boolean | undefined): string {
  return caseInsensitive ? value.toLowerCase() : value;
}

/** The outcome of a constraint before `inverted` (Unleash's operator semantics). */
function holds(constraint: FlagConstraint, actual: string | undefined): boolean {
  const { operator, caseInsensitive } = constraint;
  const values = constraint.values ?? [];
  if (actual === undefined) return operator === 'NOT_IN';
  const subject = fold(actual, caseInsensitive);
  const listed = values.map((v) => fold(v, caseInsensitive));
  switch (operator) {
    case 'IN':
      return listed.includes(subject);
    case 'NOT_IN':
      return !listed.includes(subject);
    case 'STR_STARTS_WITH':
      return listed.some((v) => subject.startsWith(v));
    case 'STR_ENDS_WITH':
      return listed.some((v) => subject.endsWith(v));
    case 'STR_CONTAINS':
      return listed.some((v) => subject.includes(v));
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE': {
      const a = Number.parseFloat(actual);
      const b = Number.parseFloat(constraint.value ?? '');
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return operator === 'NUM_EQ'
        ? a === b
        : operator === 'NUM_GT'
          ? a > b
          : operator === 'NUM_GTE'
            ? a >= b
            : operator === 'NUM_LT'
              ? a < b
              : a <= b;
    }
    case 'DATE_AFTER':
    case 'DATE_BEFORE': {
      const a = Date.parse(actual);
      const b = Date.parse(constraint.value ?? '');
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return operator === 'DATE_AFTER' ? a > b : a < b;
    }
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_LT': {
      const c = compareSemver(actual, constraint.value ?? '');
      if (c === null) return false;
      return operator === 'SEMVER_EQ' ? c === 0 : operator === 'SEMVER_GT' ? c > 0 : c < 0;
    }
    default:
      return false;
  }
}

/**
 * Whether a constraint holds for a context, as Unleash's strategy constraints: a missing field
 * fails every operator but `NOT_IN`; numbers, dates or versions that do not parse fail; an
 * unknown operator fails even when `inverted`; otherwise `inverted` negates the outcome.
 */
export function constraintHolds(constraint: FlagConstraint, context: EvaluationContext, now: () => Date): boolean {
  if (!KNOWN.has(constraint.operator)) return false;
  const outcome = holds(constraint, contextValue(context, constraint.contextName, now));
  return constraint.inverted ? !outcome : outcome;
}

const KNOWN = new Set<string>(CONSTRAINT_OPERATORS);
