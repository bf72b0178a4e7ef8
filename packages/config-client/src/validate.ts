import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { DictaMeshSetting } from './settings';

const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const compiled = new WeakMap<DictaMeshSetting, ValidateFunction>();

/**
 * What is wrong with a value of a setting against the setting's JSON Schema (draft 2020-12, ajv),
 * as `<JSON pointer> <message>` lines; empty when it is valid.
 */
export function settingViolations(setting: DictaMeshSetting, value: unknown): string[] {
  let validate = compiled.get(setting);
  if (!validate) compiled.set(setting, (validate = ajv.compile(setting.schema)));
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
