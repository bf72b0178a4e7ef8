import { describe, expect, it } from 'vitest';
import { boundedError, echo, echoed, MAX_ECHO } from './echo';

describe('echo', () => {
  it('quotes short values whole, control characters escaped', () => {
    expect(echo('dictamesh:a:b')).toBe('"dictamesh:a:b"');
    expect(echo('a\u0000b')).toBe('"a\\u0000b"');
    expect(echoed('short')).toBe('short');
  });

  it('cuts long values after 200 characters and states their length', () => {
    const text = echo('x'.repeat(900_000));
    expect(text).toBe(`"${'x'.repeat(MAX_ECHO)}…" (900000 characters)`);
    expect(echoed('y'.repeat(1_000))).toBe(`${'y'.repeat(MAX_ECHO)}…`);
  });

  it('never leaves half a surrogate pair at the cut', () => {
    const value = `${'x'.repeat(MAX_ECHO - 1)}😀${'x'.repeat(10)}`;
    expect(echoed(value)).toBe(`${'x'.repeat(MAX_ECHO - 1)}…`);
  });
});

describe('boundedError', () => {
  it('passes small errors as they are', () => {
    const small = { message: 'first must be between 0 and 500', extensions: { code: 'BAD_USER_INPUT', field: 'first' } };
    expect(boundedError(small)).toBe(small);
  });

  it('cuts long messages and long, many or deep extensions', () => {
    const problems = Array.from({ length: 1_000 }, (_, i) => ({ path: `k${i}${'y'.repeat(1_000)}`, message: 'Unrecognized key' }));
    const cut = boundedError({
      message: 'z'.repeat(100_000),
      path: ['adapters'],
      extensions: { code: 'ADAPTER_CONFIG_INVALID', problems, deep: { a: { b: { c: { d: 1 } } } } },
    });
    expect(cut.message).toMatch(/^z{1000}… \(100000 characters\)$/);
    expect(cut.path).toEqual(['adapters']);
    expect(cut.extensions?.code).toBe('ADAPTER_CONFIG_INVALID');
    expect((cut.extensions?.problems as unknown[]).length).toBe(50);
    expect(cut.extensions?.deep).toEqual({ a: { b: { c: '…' } } });
    expect(JSON.stringify(cut).length).toBeLessThan(15_000);
  });

  it('cuts a 900 KB variable value that a GraphQL validation message repeats', () => {
    const message = `Variable "$first" got invalid value "${'9'.repeat(900_000)}"; Int cannot represent non-integer value`;
    expect(JSON.stringify(boundedError({ message, extensions: { code: 'BAD_USER_INPUT' } })).length).toBeLessThan(1_200);
  });
});
