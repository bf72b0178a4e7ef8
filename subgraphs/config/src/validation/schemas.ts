import { createHash } from 'node:crypto';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { err } from '@dictamesh/runtime';

/** One schema violation of a value: where (RFC 6901 JSON Pointer into the value), which keyword, why. */
export interface Violation {
  pointer: string;
  keyword: string;
  message: string;
}

/** A problem of a schema itself, as ajv reports it (`schemaPath` into the schema). */
export interface SchemaProblem {
  pointer: string;
  keyword: string;
  message: string;
}

/** Compiled schemas kept, by the SHA-256 of their JSON. */
const CACHE_LIMIT = 1_000;
const compiled = new Map<string, ValidateFunction>();

/**
 * A fresh ajv (draft 2020-12, every error, ajv-formats) per schema: user schemas may carry any
 * `$id`, which one shared instance would refuse to register twice. Unknown keywords are refused
 * (`strictSchema`: a typo like `minimun` makes the schema invalid); type strictness is not.
 */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: true,
    logger: false,
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

/** Escapes a property name as one RFC 6901 reference token. */
export function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The pointer an ajv error is about: the missing or extra property itself for `required`, `dependentRequired`, `additionalProperties`, `unevaluatedProperties`. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const property =
    typeof params.missingProperty === 'string'
      ? params.missingProperty
      : typeof params.additionalProperty === 'string'
        ? params.additionalProperty
        : typeof params.unevaluatedProperty === 'string'
          ? params.unevaluatedProperty
          : undefined;
  return property === undefined ? error.instancePath : `${error.instancePath}/${pointerToken(property)}`;
}

/** Ajv errors of a value → {@link Violation}s, in ajv's order. */
function violationsOf(errors: ErrorObject[] | null | undefined): Violation[] {
  return (errors ?? []).map((error) => ({ pointer: pointerOf(error), keyword: error.keyword, message: error.message ?? error.keyword }));
}

/**
 * What is wrong with a JSON Schema (draft 2020-12): meta-schema violations, unknown keywords,
 * unresolvable `$ref`s, bad `pattern`s. Empty when it compiles.
 */
export function schemaProblems(schema: unknown): SchemaProblem[] {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema)))
    return [{ pointer: '', keyword: 'type', message: 'a JSON Schema is an object or a boolean' }];
  try {
    compile(schema as object | boolean);
    return [];
  } catch (cause) {
    const errors = (cause as { errors?: ErrorObject[] }).errors;
    if (Array.isArray(errors) && errors.length > 0)
      return errors.map((e) => ({ pointer: e.instancePath, keyword: e.keyword, message: e.message ?? e.keyword }));
    return [{ pointer: '', keyword: 'compile', message: (cause as Error).message.slice(0, 300) }];
  }
}

/**
 * Refuses a schema that is not valid draft 2020-12 JSON Schema.
 * @throws DictaMeshError `CONFIG_SCHEMA_INVALID` with `details.errors` ({@link SchemaProblem}s)
 */
export function assertValidSchema(schema: unknown): void {
  const errors = schemaProblems(schema);
  if (errors.length > 0) throw err('CONFIG_SCHEMA_INVALID', undefined, { errors });
}

/** The compiled validator of a schema, cached by the hash of its JSON. Throws ajv's error for an invalid schema. */
function compile(schema: object | boolean): ValidateFunction {
  const hash = createHash('sha256').update(JSON.stringify(schema)).digest('base64url');
  let validate = compiled.get(hash);
  if (!validate) {
    const ajv = newAjv();
    if (!ajv.validateSchema(schema)) throw Object.assign(new Error('invalid JSON Schema'), { errors: ajv.errors });
    validate = ajv.compile(schema);
    if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
    compiled.set(hash, validate);
  }
  return validate;
}

/**
 * Every violation of `value` against `schema` (a valid schema; see {@link assertValidSchema}),
 * by JSON pointer into the value; empty when it conforms.
 */
export function violationsAgainst(schema: unknown, value: unknown): Violation[] {
  const validate = compile(schema as object | boolean);
  return validate(value) ? [] : violationsOf(validate.errors);
}
