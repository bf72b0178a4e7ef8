import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { err } from '@dictamesh/runtime';
import type { EntityChange } from './entity-change';

const schemaUrl = new URL('../../../schemas/events/entity-change.v1.schema.json', import.meta.url);
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateEntityChangeSchema = ajv.compile<EntityChange>(JSON.parse(readFileSync(schemaUrl, 'utf8')));

/**
 * Checks an entity change against `schemas/events/entity-change.v1.schema.json` (JSON Schema
 * 2020-12, via ajv).
 * @throws DictaMeshError `BAD_USER_INPUT` listing every violation (`details.problems`)
 */
export function assertEntityChange(data: unknown): asserts data is EntityChange {
  if (validateEntityChangeSchema(data)) return;
  const problems = (validateEntityChangeSchema.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  throw err('BAD_USER_INPUT', `Invalid entity change: ${problems.join('; ')}`, { problems });
}
