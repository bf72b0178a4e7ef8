import { flagDefinitionViolations } from '@dictamesh/feature-flags';
import { err } from '@dictamesh/runtime';
import type { ConfigValueKind } from '../store/rows';
import { violationsAgainst, type Violation } from './schemas';

/**
 * What a kind itself demands of a value, before any key schema: FLAG values must be flag
 * definitions (JSON Schema `urn:dictamesh:schema:feature-flag:1`, @dictamesh/feature-flags'
 * `flagDefinitionViolations`: every violation by JSON pointer, values of the flag's type).
 */
export function kindViolations(kind: ConfigValueKind, value: unknown): Violation[] {
  return kind === 'FLAG' ? flagDefinitionViolations(value) : [];
}

/** Every violation of a value of `kind` against its kind and its effective schema (null: none). */
export function valueViolations(kind: ConfigValueKind, value: unknown, schema: unknown): Violation[] {
  return [...kindViolations(kind, value), ...(schema === null || schema === undefined ? [] : violationsAgainst(schema, value))];
}

/**
 * Refuses a value that breaks its kind or schema.
 * @throws DictaMeshError `CONFIG_VALIDATION_FAILED` with `details.violations` (every one, by JSON pointer)
 */
export function assertValidValue(kind: ConfigValueKind, value: unknown, schema: unknown, key: string): void {
  const violations = valueViolations(kind, value, schema);
  if (violations.length > 0) throw err('CONFIG_VALIDATION_FAILED', undefined, { key, violations });
}
