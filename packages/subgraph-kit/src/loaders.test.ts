import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { createRequestContext } from './context';
import { defineLoader, LoaderRegistry } from './loaders';

const echo = () => new DataLoader<string, string>(async (keys) => keys.map((k) => k.toUpperCase()));

describe('LoaderRegistry', () => {
  it('makes one loader per key and returns it again on the next get', async () => {
    const registry = new LoaderRegistry();
    let made = 0;
    const create = () => (made++, echo());
    const first = registry.get('echo', create);
    expect(registry.get('echo', create)).toBe(first);
    expect(made).toBe(1);
    expect(await first.load('a')).toBe('A');
    expect(registry.get('other', create)).not.toBe(first);
    expect(registry.size).toBe(2);
  });
});

describe('defineLoader', () => {
  it('gives each request its own loader, and two definitions of one name their own keys', () => {
    const one = defineLoader('echo', echo);
    const two = defineLoader('echo', echo);
    const a = createRequestContext();
    const b = createRequestContext();
    expect(one(a)).toBe(one(a));
    expect(one(a)).not.toBe(one(b));
    expect(two(a)).not.toBe(one(a));
  });
});
