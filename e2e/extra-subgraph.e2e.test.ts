import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack } from '@dictamesh/cli';
import { parseStackEnv } from '@dictamesh/cli/env';
import { entityTopic, toEntityChangeEvent } from '@dictamesh/events';
import { COMPOSITION_VERSION } from '@dictamesh/gateway';
import { json, startLocalServer, type LocalServer } from '../test/local-server';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { accountChange, orgToken } from './harness/identities';

// A throwaway `inventory` subgraph, known to DictaMesh only through a supergraph config written
// here: it contributes `stock` to the catalog's `Entity` (by its `@key`, the URN). The config
// routes it to a dead port; the gateway must take INVENTORY_SUBGRAPH_URL instead. Two
// organisations hold entities; the inventory ignores the gateway's principal token (a DictaMesh
// subgraph would verify it), so the organisation filtering seen here is the catalog's.
const SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const CATALOG_SDL = fileURLToPath(new URL('../schemas/subgraphs/catalog.graphql', import.meta.url));
const ACME = 'dictamesh:crm:account:acme-1';
const GLOBEX = 'dictamesh:crm:account:globex-1';
const inventorySdl = (extra = '') => /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Entity @key(fields: "urn") {
    urn: ID!
    "Units in stock (test data: the length of the URN)."
    stock: Int!
    ${extra}
  }
`;

const dir = mkdtempSync(join(tmpdir(), 'dictamesh-extra-subgraph-'));
const dataDir = tempDataDir();
const configPath = join(dir, 'supergraph.yaml');
/** URNs the inventory was asked to resolve (`_entities` representations), in order. */
const asked: string[] = [];
let inventory: LocalServer;
let stack: FullStack;

const schema = buildSubgraphSchema({
  typeDefs: parse(inventorySdl()),
  resolvers: {
    Entity: {
      __resolveReference(reference: { urn: string }) {
        asked.push(reference.urn);
        return { urn: reference.urn, stock: reference.urn.length };
      },
    },
  },
});

const token = (org: string) => orgToken(SECRET, org, 'dictamesh:admin');
async function as<T>(org: string, query: string) {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(org)}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
}

beforeAll(async () => {
  inventory = await startLocalServer();
  inventory.handle(async (req, res) => {
    if (req.method === 'GET' && req.url === '/readyz') return json(res, 200, { status: 'ok' });
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    json(res, 200, await graphql({ schema, source: query, variableValues: variables ?? {} }));
  });
  writeFileSync(join(dir, 'inventory.graphql'), inventorySdl());
  writeFileSync(
    configPath,
    [
      `federation_version: =${COMPOSITION_VERSION}`,
      'subgraphs:',
      '  catalog:',
      '    routing_url: http://127.0.0.1:4001/graphql',
      `    schema: { file: ${JSON.stringify(CATALOG_SDL)} }`,
      '  inventory:',
      '    routing_url: http://127.0.0.1:9/graphql # nothing listens there: INVENTORY_SUBGRAPH_URL routes it',
      '    schema:',
      '      file: ./inventory.graphql',
      '',
    ].join('\n'),
  );
  stack = await startTestStack(
    dataDir,
    {},
    { SUPERGRAPH_CONFIG: configPath, INVENTORY_SUBGRAPH_URL: `${inventory.url}/graphql`, JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '' },
  );
  for (const [org, urn, name] of [
    ['acme', ACME, 'Acme'],
    ['globex', GLOBEX, 'Globex'],
  ] as const) {
    const c = accountChange(urn, name);
    await stack.bus.publish(entityTopic('updated'), [
      { key: urn, event: toEntityChangeEvent(c, { id: `${org}-1`, source: `/crm/${org}`, org }) },
    ]);
  }
  if (!(await stack.drained(15_000))) throw new Error('the catalog did not apply the changes in 15 s');
});
afterAll(async () => {
  await stack?.close();
  await inventory?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a subgraph added by the supergraph config alone', () => {
  it('resolves a catalog entity’s field in the extra subgraph, by entity reference, for the caller’s organisation only', async () => {
    asked.length = 0;
    const own = await as<{ entity: { urn: string; displayName: string; stock: number } }>(
      'acme',
      `{ entity(urn: "${ACME}") { urn displayName stock } }`,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.entity).toEqual({ urn: ACME, displayName: 'Acme', stock: ACME.length });
    expect(asked).toEqual([ACME]); // the inventory resolved it from the catalog's reference

    asked.length = 0;
    const theirs = await as<{ entity: unknown }>('acme', `{ entity(urn: "${GLOBEX}") { urn displayName stock } }`);
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!.entity).toBeNull(); // globex's entity: the catalog does not return it to acme
    const listed = await as<{ entities: { nodes: Array<{ urn: string; stock: number }> } }>(
      'globex',
      '{ entities(first: 50) { nodes { urn stock } } }',
    );
    expect(listed.data!.entities.nodes).toEqual([{ urn: GLOBEX, stock: GLOBEX.length }]);
    expect(asked).toEqual([GLOBEX]); // asked only about what the caller may see
  });

  it('checks the extra subgraph in /readyz', async () => {
    const response = await fetch(stack.urls.gateway.replace(/\/graphql$/, '/readyz'));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { subgraphs: Record<string, string> }).subgraphs).toEqual({ catalog: 'ok', inventory: 'ok' });
  });

  it('recomposes when the extra subgraph’s SDL file changes', async () => {
    const fields = async () =>
      (
        await as<{ __type: { fields: Array<{ name: string }> } }>('acme', '{ __type(name: "Entity") { fields { name } } }')
      ).data!.__type.fields.map((f) => f.name);
    expect(await fields()).not.toContain('reorderLevel');
    writeFileSync(join(dir, 'inventory.graphql'), inventorySdl('reorderLevel: Int'));
    await vi.waitFor(async () => expect(await fields()).toContain('reorderLevel'), { timeout: 15_000, interval: 100 });
  });

  it('names the variable a gateway needs for a subgraph whose service runs elsewhere', async () => {
    const env = parseStackEnv({
      DICTAMESH_SERVICES: 'gateway',
      SUPERGRAPH_CONFIG: configPath,
      LOG_LEVEL: 'silent',
      DICTAMESH_DATA_DIR: dataDir,
    });
    await expect(startStack(env)).rejects.toMatchObject({
      code: 'CONFIGURATION_INVALID',
      message: 'CATALOG_SUBGRAPH_URL is required when the gateway runs without the catalog',
      details: { field: 'CATALOG_SUBGRAPH_URL' },
    });
  });
});
