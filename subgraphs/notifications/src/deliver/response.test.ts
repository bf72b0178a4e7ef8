import { describe, expect, it } from 'vitest';
import { attemptText, MAX_ATTEMPT_TEXT } from './response';

describe('attemptText', () => {
  it('redacts every occurrence of each secret, then cuts to 2 000 characters', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(attemptText(`bad ${secret} and again ${secret}; key R0UT1NG`, [secret, 'R0UT1NG'])).toBe(
      'bad [redacted] and again [redacted]; key [redacted]',
    );
    const long = `${'x'.repeat(1_990)}${secret}${'y'.repeat(100)}`;
    const kept = attemptText(long, [secret])!;
    expect(kept).toHaveLength(MAX_ATTEMPT_TEXT);
    expect(kept).toBe(`${'x'.repeat(1_990)}[redacted]`);
    // the cut never leaves the start of a secret behind: redaction comes first
    expect(attemptText(`${'x'.repeat(1_995)}${secret}`, [secret])).toBe(`${'x'.repeat(1_995)}[reda`);
  });

  it('gives null for nothing, and leaves short strings that are not secrets alone', () => {
    expect(attemptText(undefined, [])).toBeNull();
    expect(attemptText('', ['abc'])).toBeNull();
    expect(attemptText('250 OK queued as abc', ['ab'])).toBe('250 OK queued as abc');
  });
});
