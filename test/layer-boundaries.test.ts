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

describe('layer boundaries (eslint-plugin-boundaries in eslint.config.js)', () => {
  it('fails a library that imports a service', async () => {
    const errors = await boundaryErrors(
      'packages/runtime/src/upward.ts',
      "import { apiSchemaOf } from '@dictamesh/gateway';\nexport const x = apiSchemaOf;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/from elements of type "lib".* to elements of type "gateway"/)]);
  });

  it('fails a service that imports another service', async () => {
    const errors = await boundaryErrors(
      'gateway/src/sideways.ts',
      "import { buildCatalogSchema } from '@dictamesh/subgraph-catalog';\nexport const x = buildCatalogSchema;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/from elements of type "gateway" to elements of type "subgraph"/)]);
  });

  it('fails an adapter that imports another adapter, and the base library importing a library above it', async () => {
    expect(
      await boundaryErrors(
        'adapters/rest-json/src/x.ts',
        "import { createChatwootWebhookAdapter } from '@dictamesh/adapter-chatwoot';\nexport const x = createChatwootWebhookAdapter;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('packages/runtime/src/x.ts', "import { TOPICS } from '@dictamesh/events';\nexport const x = TOPICS;\n"),
    ).toHaveLength(1);
  });

  it('fails a relative import into another package, and production code importing the shared test helpers', async () => {
    const errors = await boundaryErrors(
      'gateway/src/relative.ts',
      "import { err } from '../../packages/runtime/src/errors';\nimport { json } from '../../test/local-server';\nexport const x = [err, json];\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('passes imports that go down the layers by package name, and a test reaching test/', async () => {
    expect(
      await boundaryErrors(
        'subgraphs/catalog/src/good.ts',
        "import { err } from '@dictamesh/runtime';\nimport { TOPICS } from '@dictamesh/events';\nimport { openDatabase } from '@dictamesh/db';\nexport const x = [err, TOPICS, openDatabase];\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'gateway/src/good.test.ts',
        "import { err } from '@dictamesh/runtime';\nimport { json } from '../../test/local-server';\nexport const x = [err, json];\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'cli/src/good.ts',
        "import { apiSchemaOf } from '@dictamesh/gateway';\nimport { buildCatalogSchema } from '@dictamesh/subgraph-catalog';\nexport const x = [apiSchemaOf, buildCatalogSchema];\n",
      ),
    ).toEqual([]);
  });
});
