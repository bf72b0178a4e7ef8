import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmDecrypt, gcmEncrypt } from './aes-gcm';

const key = randomBytes(32);
const plaintext = Buffer.from('{"password":"hunter2"}');

describe('AES-256-GCM', () => {
  it('lays out iv (12) ‖ tag (16) ‖ ciphertext and round-trips with the same aad', () => {
    const sealed = gcmEncrypt(key, plaintext, 'config:1');
    expect(sealed.length).toBe(12 + 16 + plaintext.length);
    expect(sealed.includes(plaintext)).toBe(false);
    expect(gcmDecrypt(key, sealed, 'config:1')).toEqual(plaintext);
  });

  it('uses a fresh IV each time', () => {
    expect(gcmEncrypt(key, plaintext, 'a').subarray(0, 12)).not.toEqual(gcmEncrypt(key, plaintext, 'a').subarray(0, 12));
  });

  it('refuses another aad, another key, any altered byte and short input', () => {
    const sealed = gcmEncrypt(key, plaintext, 'config:1');
    expect(gcmDecrypt(key, sealed, 'config:2')).toBeNull();
    expect(gcmDecrypt(randomBytes(32), sealed, 'config:1')).toBeNull();
    for (const index of [0, 11, 12, 27, 28, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[index]! ^= 1;
      expect(gcmDecrypt(key, altered, 'config:1'), `byte ${index}`).toBeNull();
    }
    expect(gcmDecrypt(key, sealed.subarray(0, 27), 'config:1')).toBeNull();
    expect(gcmDecrypt(key.subarray(0, 16), sealed, 'config:1')).toBeNull();
  });
});
