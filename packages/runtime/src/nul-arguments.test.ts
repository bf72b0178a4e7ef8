import { describe, expect, it } from 'vitest';
import { nulPath } from './nul-arguments';

describe('nulPath', () => {
  it('names the argument path of a NUL in a string, a list item or an object key', () => {
    expect(nulPath({ urn: 'dictamesh:a:b:c' })).toBeNull();
    expect(nulPath({ filter: { source: 'chat\u0000woot', type: null, updatedSince: new Date(0) } })).toBe('filter.source');
    expect(nulPath({ input: { scopes: ['a', 'b\u0000'] } })).toBe('input.scopes[1]');
    expect(nulPath({ input: { config: { 'k\u0000': 1 } } })).toBe('input.config.k\u0000');
  });

  it('walks a value nested 100,000 deep without overflowing the stack', () => {
    let value: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) value = [value];
    expect(nulPath({ config: value })).toMatch(/^config(\[0\]){100000}$/);
  });
});
