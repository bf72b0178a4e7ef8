export { evaluateFlag } from './evaluate';
export { normalizedValue, VARIANT_HASH_SEED } from './hash';
export { FLAG_DEFINITION_SCHEMA, flagDefinitionViolations, type FlagViolation } from './schema';
export { compareSemver } from './semver';
export { constraintHolds, contextValue } from './constraints';
export type {
  ConstraintOperator,
  EvaluateOptions,
  EvaluationContext,
  FlagConstraint,
  FlagDefinition,
  FlagErrorCode,
  FlagReason,
  FlagResult,
  FlagRule,
  FlagType,
  FlagValue,
  FlagVariant,
} from './types';
