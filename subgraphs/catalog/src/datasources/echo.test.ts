import { describe, expect, it } from 'vitest';
import { echo, echoed, MAX_ECHO } from './echo';

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
