import { describe, expect, it } from 'vitest';
import { assertValidSchema, pointerToken, schemaProblems, violationsAgainst } from './schemas';

describe('config value validation', () => {
  it('lists every violation by JSON pointer, pointing at missing and extra properties', () => {
    const schema = {
      type: 'object',
      required: ['a/b', 'name'],
      properties: {
        'a/b': true,
        name: { type: 'string' },
        list: { type: 'array', items: { type: 'integer', minimum: 0 } },
        mail: { format: 'email' },
      },
      additionalProperties: false,
    };
    expect(violationsAgainst(schema, { list: [1, -1, 'x'], mail: 'nope', 'x~y': 1 })).toEqual([
      { pointer: '/a~1b', keyword: 'required', message: "must have required property 'a/b'" },
      { pointer: '/name', keyword: 'required', message: "must have required property 'name'" },
      { pointer: '/x~0y', keyword: 'additionalProperties', message: 'must NOT have additional properties' },
      { pointer: '/list/1', keyword: 'minimum', message: 'must be >= 0' },
      { pointer: '/list/2', keyword: 'type', message: 'must be integer' },
      { pointer: '/mail', keyword: 'format', message: 'must match format "email"' },
    ]);
    expect(violationsAgainst(schema, { name: 'n', 'a/b': 1 })).toEqual([]);
    expect(violationsAgainst({ type: 'integer' }, 'x')).toEqual([{ pointer: '', keyword: 'type', message: 'must be integer' }]);
  });

  it('refuses what is not draft 2020-12 JSON Schema', () => {
    expect(schemaProblems({ type: 'strng' }).map((p) => p.keyword)).toContain('enum');
    expect(schemaProblems({ minimun: 1 })).toEqual([
      { pointer: '', keyword: 'compile', message: 'strict mode: unknown keyword: "minimun"' },
    ]);
    expect(schemaProblems({ $ref: 'https://example.com/elsewhere.json' })[0]?.keyword).toBe('compile');
    expect(schemaProblems(42)).toEqual([{ pointer: '', keyword: 'type', message: 'a JSON Schema is an object or a boolean' }]);
    expect(schemaProblems({ $id: 'urn:example:x', type: 'string' })).toEqual([]);
    expect(schemaProblems({ $id: 'urn:example:x', type: 'integer' })).toEqual([]);
    expect(() => assertValidSchema({ type: 7 })).toThrow(expect.objectContaining({ code: 'CONFIG_SCHEMA_INVALID' }));
    expect(pointerToken('a~/b')).toBe('a~0~1b');
  });
});
