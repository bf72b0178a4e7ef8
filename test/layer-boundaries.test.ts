import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The repository's own eslint.config.js run through ESLint's Node API on source text that is never
// written to disk: `filePath` places it in the package it would belong to.
const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

/** A module importing each specifier (as a namespace) and using what it imported. */
const importing = (...specifiers: string[]) =>
  specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n') +
  `\nexport const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`;

describe('layer boundaries (eslint-plugin-boundaries in eslint.config.js)', () => {
  it('fails a library that imports a service', async () => {
    expect(await boundaryErrors('packages/runtime/src/upward.ts', importing('@dictamesh/gateway'))).toEqual([
      expect.stringMatching(/from elements of type "lib".* to elements of type "gateway"/),
    ]);
  });

  it('fails a service that imports another service', async () => {
    expect(await boundaryErrors('gateway/src/sideways.ts', importing('@dictamesh/subgraph-catalog'))).toEqual([
      expect.stringMatching(/from elements of type "gateway" to elements of type "subgraph"/),
    ]);
  });

  it.each([
    ['an adapter importing another adapter', 'adapters/rest-json/src/x.ts', '@dictamesh/adapter-chatwoot'],
    ['the adapter SDK importing an adapter', 'adapters/sdk/src/x.ts', '@dictamesh/adapter-chatwoot'],
    ['runtime importing any library', 'packages/runtime/src/x.ts', '@dictamesh/events'],
    ['events importing db (same rank)', 'packages/events/src/x.ts', '@dictamesh/db'],
    ['a base library importing a kit', 'packages/events/src/x.ts', '@dictamesh/subgraph-kit'],
    ['a library importing the adapter SDK', 'packages/db/src/x.ts', '@dictamesh/adapter-sdk'],
    ['the gateway importing the adapter SDK', 'gateway/src/x.ts', '@dictamesh/adapter-sdk'],
    ['a subgraph importing the CLI', 'subgraphs/catalog/src/x.ts', '@dictamesh/cli'],
    ['a subgraph importing the adapter SDK', 'subgraphs/catalog/src/x.ts', '@dictamesh/adapter-sdk'],
    [
      'the adapter runtime importing an adapter (it finds them through their manifests)',
      'adapters/runtime/src/x.ts',
      '@dictamesh/adapter-chatwoot',
    ],
    ['the adapter runtime importing a subgraph', 'adapters/runtime/src/x.ts', '@dictamesh/subgraph-catalog'],
    ['a subgraph importing the adapter runtime', 'subgraphs/catalog/src/x.ts', '@dictamesh/adapter-runtime'],
  ])('fails %s', async (_what, file, specifier) => {
    expect(await boundaryErrors(file, importing(specifier))).toHaveLength(1);
  });

  it('fails a relative import into another package, and production code importing the shared test helpers', async () => {
    expect(
      await boundaryErrors('gateway/src/relative.ts', importing('../../packages/runtime/src/errors', '../../test/local-server')),
    ).toHaveLength(2);
  });

  it.each([
    [
      'a subgraph importing libraries',
      'subgraphs/catalog/src/good.ts',
      ['@dictamesh/runtime', '@dictamesh/events', '@dictamesh/db', '@dictamesh/subgraph-kit'],
    ],
    [
      'a kit importing the base libraries',
      'packages/subgraph-kit/src/good.ts',
      ['@dictamesh/runtime', '@dictamesh/events', '@dictamesh/db'],
    ],
    ['an adapter importing the SDK and libraries', 'adapters/chatwoot/src/good.ts', ['@dictamesh/adapter-sdk', '@dictamesh/events']],
    [
      'the adapter runtime importing the SDK and libraries',
      'adapters/runtime/src/good.ts',
      ['@dictamesh/adapter-sdk', '@dictamesh/subgraph-kit', '@dictamesh/db'],
    ],
    ['a test reaching test/ by a relative path', 'gateway/src/good.test.ts', ['@dictamesh/runtime', '../../test/local-server']],
    [
      'the CLI importing services',
      'cli/src/good.ts',
      ['@dictamesh/gateway', '@dictamesh/subgraph-catalog', '@dictamesh/adapter-runtime', '@dictamesh/adapter-chatwoot'],
    ],
    ['a system test importing anything', 'e2e/good.e2e.test.ts', ['@dictamesh/cli', '@dictamesh/gateway', '../test/local-server']],
  ])('passes %s', async (_what, file, specifiers) => {
    expect(await boundaryErrors(file, importing(...specifiers))).toEqual([]);
  });
});
