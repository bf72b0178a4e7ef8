import { describe, expect, it } from 'vitest';
import { err, type DictaMeshError } from '@dictamesh/runtime';
import { cutError, echo, echoed, MAX_ECHO } from './echo';

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

describe('cutError', () => {
  it('cuts long messages and long or many details of DictaMeshErrors; other errors pass as they are', () => {
    const short = err('BAD_USER_INPUT', 'first must be between 0 and 500', { field: 'first' });
    expect(cutError(short)).toBe(short);
    const other = new Error('x'.repeat(5_000));
    expect(cutError(other)).toBe(other);
    const problems = Array.from({ length: 1_000 }, (_, i) => ({ path: `k${i}${'y'.repeat(1_000)}`, message: 'Unrecognized key' }));
    const cut = cutError(err('ADAPTER_CONFIG_INVALID', 'z'.repeat(100_000), { problems })) as DictaMeshError;
    expect(cut.code).toBe('ADAPTER_CONFIG_INVALID');
    expect(cut.message).toMatch(/… \(100000 characters\)$/);
    expect(JSON.stringify(cut.toJSON()).length).toBeLessThan(15_000);
    expect((cut.details.problems as unknown[]).length).toBe(50);
  });
});
