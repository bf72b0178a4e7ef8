import { Ajv2020 } from 'ajv/dist/2020.js';
import { CONSTRAINT_OPERATORS, type FlagType } from './types';

/** The JSON Schema of a value of each flag type. */
const VALUE_SCHEMA: Record<FlagType, object> = {
  boolean: { type: 'boolean' },
  string: { type: 'string' },
  number: { type: 'number' },
  object: { type: ['object', 'array'] },
};

/** The places a flag value appears, for the `type`-dependent checks. */
function valuesOfType(valueSchema: object): object {
  const variants = { type: 'array', items: { type: 'object', properties: { value: valueSchema } } };
  return {
    properties: {
      defaultValue: valueSchema,
      offValue: valueSchema,
      variants,
      rules: { type: 'array', items: { type: 'object', properties: { value: valueSchema, variants } } },
    },
  };
}

/**
 * JSON Schema (draft 2020-12) of a feature flag definition, `$id` `urn:dictamesh:schema:feature-flag:1`:
 * `{ type, enabled, defaultValue, offValue?, rules: [{ name?, constraints?, rollout?, stickiness?,
 * groupId?, value?, variants? }], variants? }`, every value of the flag's `type`. See
 * {@link FlagDefinition}.
 */
export const FLAG_DEFINITION_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:dictamesh:schema:feature-flag:1',
  title: 'DictaMesh feature flag',
  type: 'object',
  required: ['type', 'enabled', 'defaultValue', 'rules'],
  additionalProperties: false,
  properties: {
    type: { enum: ['boolean', 'string', 'number', 'object'] },
    enabled: { type: 'boolean' },
    defaultValue: true,
    offValue: true,
    rules: { type: 'array', maxItems: 200, items: { $ref: '#/$defs/rule' } },
    variants: { $ref: '#/$defs/variants' },
  },
  allOf: (Object.keys(VALUE_SCHEMA) as FlagType[]).map((type) => ({
    if: { properties: { type: { const: type } }, required: ['type'] },
    then: valuesOfType(VALUE_SCHEMA[type]),
  })),
  $defs: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    stickiness: { type: 'string', minLength: 1, maxLength: 200 },
    variants: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['name', 'value', 'weight'],
        additionalProperties: false,
        properties: {
          name: { $ref: '#/$defs/name' },
          value: true,
          weight: { type: 'integer', minimum: 0, maximum: 1000000 },
          stickiness: { $ref: '#/$defs/stickiness' },
        },
      },
    },
    constraint: {
      type: 'object',
      required: ['contextName', 'operator'],
      additionalProperties: false,
      properties: {
        contextName: { $ref: '#/$defs/name' },
        operator: { enum: CONSTRAINT_OPERATORS },
        values: { type: 'array', maxItems: 1000, items: { type: 'string' } },
        value: { type: 'string' },
        inverted: { type: 'boolean' },
        caseInsensitive: { type: 'boolean' },
      },
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { $ref: '#/$defs/name' },
        constraints: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/constraint' } },
        rollout: { type: 'number', minimum: 0, maximum: 100 },
        stickiness: { $ref: '#/$defs/stickiness' },
        groupId: { type: 'string', maxLength: 200 },
        value: true,
        variants: { $ref: '#/$defs/variants' },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(FLAG_DEFINITION_SCHEMA);

/** One way a definition breaks {@link FLAG_DEFINITION_SCHEMA}. */
export interface FlagViolation {
  /** JSON Pointer (RFC 6901) into the definition; `` is the definition itself. */
  pointer: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `enum`, …). */
  keyword: string;
  message: string;
}

/**
 * Every violation of {@link FLAG_DEFINITION_SCHEMA} by `definition` (empty when it is a valid
 * flag definition), each with the JSON pointer of the offending value (for `required`, the
 * pointer of the missing member) and the failing keyword; the `if` wrappers of the type checks
 * are left out (their inner violations are listed).
 */
export function flagDefinitionViolations(definition: unknown): FlagViolation[] {
  if (validate(definition)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const missing = e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
      const pointer = missing === undefined ? e.instancePath : `${e.instancePath}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const allowed = e.keyword === 'enum' ? `: ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}` : '';
      return { pointer, keyword: e.keyword, message: `${e.message ?? 'is invalid'}${allowed}` };
    });
}
