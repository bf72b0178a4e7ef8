import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkVariableLimits } from './variable-limits';

const refusal = (variables: unknown, limits = { maxDepth: 3, maxValues: 10 }) => {
  try {
    checkVariableLimits(variables, limits);
    return null;
  } catch (error) {
    return error instanceof GraphQLError ? { message: error.message, extensions: error.extensions } : error;
  }
};

describe('variable limits', () => {
  it('lets values within the bounds through', () => {
    expect(refusal({ a: [1, [2, { b: 3 }]], s: 'x', n: null })).toBeNull();
    expect(refusal(undefined)).toBeNull();
    expect(refusal({ many: Array.from({ length: 9 }, (_, i) => i) })).toBeNull(); // the list and its 9 items
  });

  it('refuses nesting deeper than the limit with BAD_USER_INPUT 400 naming the variable', () => {
    expect(refusal({ deep: [[[[1]]]] })).toMatchObject({
      message: 'Variable "$deep" is nested deeper than 3 levels.',
      extensions: { code: 'BAD_USER_INPUT', limit: 3, variable: 'deep', http: { status: 400 } },
    });
    expect(refusal({ deep: { a: { b: { c: {} } } } })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses too many values', () => {
    expect(refusal({ many: Array.from({ length: 10 }, (_, i) => i) })).toMatchObject({
      message: 'The variables hold more than 10 values.',
      extensions: { code: 'BAD_USER_INPUT', limit: 10 },
    });
  });

  it('walks 100 000 levels without recursion (the value that overflowed the stack)', () => {
    const deep = JSON.parse(`{"u":${'['.repeat(100_000)}"x"${']'.repeat(100_000)}}`) as unknown;
    expect(refusal(deep, { maxDepth: 64, maxValues: 100_000 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 64 } });
  });
});
