import { describe, expect, it } from 'vitest';
import { mergeResolverParts } from './resolvers';

describe('mergeResolverParts', () => {
  it('merges the fields of each type over every part, a later field replacing an earlier one', () => {
    const first = () => 1;
    const second = () => 2;
    const merged = mergeResolverParts<Record<string, Record<string, unknown>>>([
      { Query: { a: first, b: first } },
      { Query: { b: second }, Mutation: { c: first } },
      {},
    ]);
    expect(merged).toEqual({ Query: { a: first, b: second }, Mutation: { c: first } });
  });
});
