import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPOSITION_VERSION, loadSupergraphConfig, parseSupergraphConfig, routingUrlVariable } from './config';
import { dictameshSubgraphs } from './subgraphs';

const dir = mkdtempSync(join(tmpdir(), 'dictamesh-supergraph-config-'));
const FILE = join(dir, 'supergraph.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (subgraphs: string, version = `=${COMPOSITION_VERSION}`) => `federation_version: ${version}\nsubgraphs:\n${subgraphs}`;
const CATALOG = '  catalog:\n    routing_url: http://127.0.0.1:4001/graphql\n    schema:\n      file: ./schemas/catalog.graphql\n';

/** The problems of a refused config (CONFIGURATION_INVALID naming the file). */
function problemsOf(text: string): string[] {
  try {
    parseSupergraphConfig(text, FILE);
  } catch (error) {
    expect(error).toMatchObject({ code: 'CONFIGURATION_INVALID', details: { file: FILE } });
    expect((error as Error).message).toContain(FILE);
    return (error as { details: { problems: string[] } }).details.problems;
  }
  throw new Error('the config was accepted');
}

describe('supergraph config (rover format)', () => {
  it("reads the repository's supergraph.yaml: the catalog, the adapter runtime, billing, config and notifications at their SDL files, composed with the installed composition", () => {
    const repository = loadSupergraphConfig(resolve(import.meta.dirname, '../../../supergraph.yaml'));
    expect(repository.federationVersion).toBe(`=${COMPOSITION_VERSION}`);
    expect(repository.subgraphs).toEqual([
      {
        name: 'catalog',
        routingUrl: 'http://127.0.0.1:4001/graphql',
        schemaFile: resolve(import.meta.dirname, '../../../schemas/subgraphs/catalog.graphql'),
      },
      {
        name: 'adapters',
        routingUrl: 'http://127.0.0.1:4003/graphql',
        schemaFile: resolve(import.meta.dirname, '../../../schemas/subgraphs/adapters.graphql'),
      },
      {
        name: 'billing',
        routingUrl: 'http://127.0.0.1:4004/graphql',
        schemaFile: resolve(import.meta.dirname, '../../../schemas/subgraphs/billing.graphql'),
      },
      {
        name: 'config',
        routingUrl: 'http://127.0.0.1:4005/graphql',
        schemaFile: resolve(import.meta.dirname, '../../../schemas/subgraphs/config.graphql'),
      },
      {
        name: 'notifications',
        routingUrl: 'http://127.0.0.1:4006/graphql',
        schemaFile: resolve(import.meta.dirname, '../../../schemas/subgraphs/notifications.graphql'),
      },
    ]);
  });

  it('keeps the order of the subgraphs, resolves schema files from the config’s folder and accepts `2`', () => {
    const parsed = parseSupergraphConfig(
      config(
        `${CATALOG}  inventory:\n    routing_url: https://inventory.internal/graphql\n    schema: { file: /srv/inventory.graphql }\n`,
        '2',
      ),
      FILE,
    );
    expect(parsed.subgraphs).toEqual([
      { name: 'catalog', routingUrl: 'http://127.0.0.1:4001/graphql', schemaFile: join(dir, 'schemas/catalog.graphql') },
      { name: 'inventory', routingUrl: 'https://inventory.internal/graphql', schemaFile: '/srv/inventory.graphql' },
    ]);
  });

  it('names the path in the file of every shape problem', () => {
    const problems = problemsOf(
      config(
        '  catalog:\n    routing_url: ftp://x\n    schema: { file: ./c.graphql }\n' +
          '  inventory:\n    schema:\n      subgraph_url: http://127.0.0.1:4003/graphql\n' +
          '  bad-name:\n    routing_url: http://x/graphql\n    schema: { file: ./b.graphql }\n',
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'subgraphs.catalog.routing_url: expected an http(s) URL',
        expect.stringMatching(/^subgraphs\.inventory\.routing_url: /),
        "subgraphs.inventory.schema.file: expected the path of the subgraph's SDL file",
        expect.stringMatching(/^subgraphs\.inventory\.schema: expected `schema: \{ file: <path> \}`/),
        expect.stringMatching(/^subgraphs\.bad-name: a subgraph name is a letter/),
      ]),
    );
    expect(problemsOf('federation_version: 2\n')).toEqual([expect.stringMatching(/^subgraphs: /)]);
    expect(problemsOf('federation_version: 2\nsubgraphs: {}\n')).toEqual(['subgraphs: at least one subgraph']);
    expect(problemsOf(config(CATALOG).replace('subgraphs:', 'extra: 1\nsubgraphs:'))).toEqual([
      expect.stringMatching(/^\(root\): .*extra/),
    ]);
  });

  it('refuses a federation version other than the composition installed here', () => {
    expect(problemsOf(config(CATALOG, '=2.0.0'))).toEqual([
      `federation_version: "=2.0.0" is not composed here; use =${COMPOSITION_VERSION} (the @apollo/composition installed) or 2`,
    ]);
    expect(problemsOf(config(CATALOG, '1'))).toHaveLength(1);
  });

  it('reports a file that is missing or not YAML, naming it', () => {
    expect(problemsOf('subgraphs: [unclosed\n')[0]).toMatch(/flow sequence|unclosed|Missing/i);
    expect(problemsOf(config(CATALOG + CATALOG))[0]).toMatch(/unique/i); // a subgraph listed twice
    const missing = join(dir, 'nothing.yaml');
    expect(() => loadSupergraphConfig(missing)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ file: missing }) }),
    );
  });

  it('routes each subgraph to the URL given for it, else to the config’s, and refuses a URL for an unlisted one', () => {
    writeFileSync(
      FILE,
      config(`${CATALOG}  inventory:\n    routing_url: http://127.0.0.1:4003/graphql\n    schema: { file: ./i.graphql }\n`),
    );
    const parsed = loadSupergraphConfig(FILE);
    expect(dictameshSubgraphs({ catalog: 'http://10.0.0.1:5000/graphql' }, parsed)).toEqual([
      {
        name: 'catalog',
        url: 'http://10.0.0.1:5000/graphql',
        sdlPath: join(dir, 'schemas/catalog.graphql'),
        readinessUrl: 'http://10.0.0.1:5000/readyz',
      },
      {
        name: 'inventory',
        url: 'http://127.0.0.1:4003/graphql',
        sdlPath: join(dir, 'i.graphql'),
        readinessUrl: 'http://127.0.0.1:4003/readyz',
      },
    ]);
    expect(() => dictameshSubgraphs({ billing: 'http://x/graphql' }, parsed)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', message: expect.stringMatching(/lists no subgraph billing/) }),
    );
    expect(routingUrlVariable('catalog')).toBe('CATALOG_SUBGRAPH_URL');
    expect(routingUrlVariable('order_lines')).toBe('ORDER_LINES_SUBGRAPH_URL');
  });
});
