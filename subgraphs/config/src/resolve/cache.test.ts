import { describe, expect, it } from 'vitest';
import { ResolveCache, type ResolvedValue } from './resolve';

const answer = (key: string) => [{ key } as ResolvedValue];

describe('ResolveCache', () => {
  it('reuses an answer only at the revision it was read at', () => {
    const cache = new ResolveCache();
    cache.set('acme/production', 7n, answer('a'));
    expect(cache.get('acme/production', 7n)).toEqual(answer('a'));
    expect(cache.get('acme/production', 8n)).toBeUndefined();
    expect(cache.get('acme/staging', 7n)).toBeUndefined();
    cache.set('acme/production', 8n, answer('b'));
    expect(cache.get('acme/production', 7n)).toBeUndefined();
    expect(cache.get('acme/production', 8n)).toEqual(answer('b'));
  });

  it('holds at most its capacity, dropping the least recently stored', () => {
    const cache = new ResolveCache(2);
    cache.set('one', 1n, answer('1'));
    cache.set('two', 1n, answer('2'));
    cache.set('one', 1n, answer('1'));
    cache.set('three', 1n, answer('3'));
    expect(cache.get('two', 1n)).toBeUndefined();
    expect(cache.get('one', 1n)).toEqual(answer('1'));
    expect(cache.get('three', 1n)).toEqual(answer('3'));
  });
});
