import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Principal } from '@dictamesh/runtime';
import { filterUnauthorized } from './filter';
import { readAuthorizationPolicy } from './policy';

// the real supergraph: Adapter.config needs one of dictamesh:admin / adapters:read / adapters:write
const supergraph = readFileSync(new URL('../../../schemas/supergraph.graphql', import.meta.url), 'utf8');
const schema = buildSchema(supergraph);
const policy = readAuthorizationPolicy(supergraph);
const nobody: Principal = { subject: 'anonymous', org: null, scopes: [], method: 'anonymous' };

/** `F<levels>` spreads `F<levels-1>` twice, …, `F0` is `body`: 2^levels uses of F0 in 1 KB. */
const fanOut = (levels: number, on: string, body: string) =>
  [
    `fragment F0 on ${on} { ${body} }`,
    ...Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on ${on} { ...F${i} ...F${i} }`),
  ].join('\n');

describe('authorization filter over fragments', () => {
  it('filters each fragment once: fan-out stays as small as it was sent, one error per path', () => {
    // 2^12 uses of `config` at one response path; filtering per use inlined 4 096 copies
    const document = parse(`{ adapters { ...F12 } }\n${fanOut(12, 'Adapter', 'id config')}`);
    const { document: filtered, removed } = filterUnauthorized(schema, document, undefined, policy, nobody);
    expect(removed).toEqual([['adapters', '@', 'config']]);
    expect(filtered).not.toBeNull();
    expect(print(filtered!).length).toBeLessThan(print(document).length);
    expect(print(filtered!)).not.toContain('config');
    expect(validate(schema, filtered!)).toEqual([]);
  });

  it('works in time linear in the document for 40 levels (2^40 uses)', () => {
    const document = parse(`{ adapters { ...F40 } }\n${fanOut(40, 'Adapter', 'id config')}`);
    const { document: filtered, removed } = filterUnauthorized(schema, document, undefined, policy, nobody);
    expect(removed).toEqual([['adapters', '@', 'config']]);
    expect(filtered!.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)).toHaveLength(41);
  });

  it('drops fragments left empty, and the spreads and variables that used them', () => {
    const document = parse(`query Q($id: ID!, $other: ID!) {
      adapter(id: $id) { ...Secret }
      adapters { ...Secret ...Public }
      entity(urn: $other) { urn }
    }
    fragment Secret on Adapter { config }
    fragment Public on Adapter { renamed: id }`);
    const { document: filtered, removed } = filterUnauthorized(schema, document, 'Q', policy, nobody);
    expect(removed).toEqual([
      ['adapter', 'config'],
      ['adapters', '@', 'config'],
    ]);
    const text = print(filtered!);
    expect(text).not.toMatch(/Secret|\$id/);
    expect(text).toContain('fragment Public on Adapter');
    expect(validate(schema, filtered!)).toEqual([]);
  });

  it('reports distinct paths under different parents and keeps the order they appear in', () => {
    const document = parse(`{ a: adapters { ...S } b: adapter(id: "x") { ...S } c: adapters { ...S ...S } }
      fragment S on Adapter { ...T id } fragment T on Adapter { config }`);
    const { removed } = filterUnauthorized(schema, document, undefined, policy, nobody);
    expect(removed).toEqual([
      ['a', '@', 'config'],
      ['b', 'config'],
      ['c', '@', 'config'],
    ]);
  });
});
