import { describe, expect, it } from 'vitest';
import { FLAG_DEFINITION_SCHEMA, flagDefinitionViolations } from './schema';

describe('flagDefinitionViolations', () => {
  it('accepts a full definition', () => {
    expect(
      flagDefinitionViolations({
        type: 'string',
        enabled: true,
        defaultValue: 'blue',
        offValue: 'grey',
        rules: [
          {
            name: 'beta',
            constraints: [
              { contextName: 'plan', operator: 'IN', values: ['beta'], caseInsensitive: true },
              { contextName: 'appVersion', operator: 'SEMVER_GT', value: '1.2.0', inverted: false },
            ],
            rollout: 25,
            stickiness: 'sessionId',
            groupId: 'colour',
            variants: [{ name: 'red', value: 'red', weight: 1, stickiness: 'userId' }],
          },
        ],
        variants: [{ name: 'green', value: 'green', weight: 2 }],
      }),
    ).toEqual([]);
    expect(flagDefinitionViolations({ type: 'object', enabled: false, defaultValue: { a: 1 }, rules: [{ value: [1, 2] }] })).toEqual([]);
  });
  it('lists every violation by pointer, values checked against the type', () => {
    expect(
      flagDefinitionViolations({
        type: 'boolean',
        enabled: 'yes',
        defaultValue: 'false',
        rules: [
          {
            rollout: 101,
            value: 1,
            constraints: [{ contextName: 'x', operator: 'LIKE' }],
            variants: [{ name: 'a', value: true, weight: -1 }],
          },
        ],
        variants: [{ name: 'b', value: 'nope', weight: 1 }],
        extra: 1,
      }),
    ).toEqual([
      { pointer: '/defaultValue', keyword: 'type', message: 'must be boolean' },
      { pointer: '/variants/0/value', keyword: 'type', message: 'must be boolean' },
      { pointer: '/rules/0/value', keyword: 'type', message: 'must be boolean' },
      { pointer: '', keyword: 'additionalProperties', message: 'must NOT have additional properties' },
      { pointer: '/enabled', keyword: 'type', message: 'must be boolean' },
      {
        pointer: '/rules/0/constraints/0/operator',
        keyword: 'enum',
        message: expect.stringMatching(/^must be equal to one of the allowed values: IN, NOT_IN, STR_STARTS_WITH/),
      },
      { pointer: '/rules/0/rollout', keyword: 'maximum', message: 'must be <= 100' },
      { pointer: '/rules/0/variants/0/weight', keyword: 'minimum', message: 'must be >= 0' },
    ]);
  });
  it('points at missing members', () => {
    expect(flagDefinitionViolations({ type: 'number', rules: [] })).toEqual([
      { pointer: '/enabled', keyword: 'required', message: "must have required property 'enabled'" },
      { pointer: '/defaultValue', keyword: 'required', message: "must have required property 'defaultValue'" },
    ]);
    expect(flagDefinitionViolations(42)).toEqual([{ pointer: '', keyword: 'type', message: 'must be object' }]);
  });
  it('has the DictaMesh $id', () => {
    expect(FLAG_DEFINITION_SCHEMA.$id).toBe('urn:dictamesh:schema:feature-flag:1');
  });
});
