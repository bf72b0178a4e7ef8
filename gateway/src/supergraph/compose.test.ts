import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dictameshSubgraphs } from './subgraphs';
import { composeSupergraph } from './compose';

const dir = mkdtempSync(join(tmpdir(), 'dictamesh-compose-'));
const sdl = (name: string, text: string) => {
  const path = join(dir, `${name}.graphql`);
  writeFileSync(path, text);
  return { name, url: `http://127.0.0.1:1/${name}`, sdlPath: path };
};
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

describe('supergraph composition', () => {
  it("composes DictaMesh's subgraphs with their routing URLs", () => {
    const supergraph = composeSupergraph(
      dictameshSubgraphs({ catalog: 'http://127.0.0.1:4001/graphql', adapters: 'http://127.0.0.1:4003/graphql' }),
    );
    expect(supergraph).toMatch(/join__graph\(name: "catalog", url: "http:\/\/127\.0\.0\.1:4001\/graphql"\)/);
    expect(supergraph).toMatch(/type Entity[\s\S]*@join__type\(graph: CATALOG, key: "urn"\)/);
    // the adapter runtime owns `Adapter`
    expect(supergraph).toMatch(/join__graph\(name: "adapters", url: "http:\/\/127\.0\.0\.1:4003\/graphql"\)/);
    expect(supergraph).toMatch(/type Adapter\s+@join__type\(graph: ADAPTERS, key: "id"\)/);
  });

  it('fails with every composition error when subgraphs disagree', () => {
    const a = sdl('a', `${LINK}\ntype Query { a: Thing }\ntype Thing @key(fields: "id") { id: ID! size: Int }`);
    const b = sdl('b', `${LINK}\ntype Query { b: Thing }\ntype Thing @key(fields: "id") { id: ID! size: String }`);
    expect(() => composeSupergraph([a, b])).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', message: expect.stringMatching(/Thing\.size/) }),
    );
  });

  it('reports SDL that does not parse, naming the subgraph', () => {
    const broken = sdl('broken', 'type Query { oops: }');
    expect(() => composeSupergraph([broken])).toThrow(/broken: Syntax Error/);
  });
});
