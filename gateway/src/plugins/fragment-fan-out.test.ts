import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../test/local-server';
import { startCatalogStandIn } from '../../test/catalog-stand-in';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';
import { createAuthenticator } from './authentication';

// Issue 11, point 2: `F<i>` spreads `F<i-1>` twice, so 1 KB names 2^24 fields. The gateways run as
// in development (introspection on, callers without credentials anonymous): one grants anonymous
// callers `dictamesh:admin` (the development default), one grants them nothing (they may not
// read `Adapter.config`). The catalog is a loopback server executing what reaches it against the
// catalog's own subgraph schema.
const adapters = [{ id: 'crm', kind: 'rest-json', config: { baseUrl: 'http://crm.local' } }];
const catalogResolvers = { Query: { adapters: () => adapters, entity: (_: unknown, { urn }: { urn: string }) => ({ urn }) } };
let catalog: LocalServer;
let devAdmin: GatewayService;
let devNobody: GatewayService;
let manyAliases: GatewayService;

beforeAll(async () => {
  catalog = await startCatalogStandIn(catalogResolvers);
  const development = (anonymousScopes: string[]) => ({
    introspection: true,
    auth: { authenticate: createAuthenticator({ mode: 'optional', anonymousScopes }) },
  });
  devAdmin = await gatewayOver(`${catalog.url}/graphql`, development(['dictamesh:admin']));
  devNobody = await gatewayOver(`${catalog.url}/graphql`, development([]));
  manyAliases = await gatewayOver(`${catalog.url}/graphql`, { ...development([]), demandControl: { maxAliases: 1_000 } });
});
afterAll(async () => {
  await Promise.all([devAdmin, devNobody, manyAliases].map((g) => g?.close()));
  await catalog?.close();
});

type Answer = { data?: unknown; errors?: Array<{ message: string; path?: string[]; extensions: Record<string, unknown> }> };
const post = async (gateway: GatewayService, query: string) => {
  const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  return { status: response.statusCode, bytes: response.rawPayload.length, body: response.json() as Answer };
};
const subgraphCalls = () => catalog.requests.filter((r) => r.method === 'POST').length;

/** `{ <root> { ...F<levels> } }` where `F<i>` spreads `F<i-1>` twice and `F0` is `body`. */
const fanOut = (root: string, levels: number, on: string, body: string) =>
  [
    `{ ${root} { ...F${levels} } }`,
    `fragment F0 on ${on} { ${body} }`,
    ...Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on ${on} { ...F${i} ...F${i} }`),
  ].join('\n');

describe('fragment fan-out', () => {
  it('refuses 24 levels (2^24 fields in 1 KB) with a 400 before any per-field work or subgraph call', async () => {
    const query = fanOut('entity(urn: "x")', 24, 'Entity', 'urn');
    expect(query.length).toBeLessThan(1_100);
    const calls = subgraphCalls();
    const { status, bytes, body } = await post(devAdmin, query);
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MAX_SELECTIONS_LIMIT' }) })]);
    expect(body.errors![0]!.extensions).toMatchObject({ actual: 3 * 2 ** 24, limit: 5_000 });
    expect(bytes).toBeLessThan(1_024);
    expect(subgraphCalls()).toBe(calls);
  }, 120_000);

  it('refuses 18 levels of a field the caller may not see with one small 400, not 2^18 errors', async () => {
    const query = fanOut('adapters', 18, 'Adapter', 'id config');
    const { status, bytes, body } = await post(devNobody, query);
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions.code).toBe('MAX_SELECTIONS_LIMIT');
    expect(bytes).toBeLessThan(1_024);
  }, 120_000);

  it('answers a fan-out within the limits with one UNAUTHORIZED error per field path', async () => {
    // 2^9 uses of `config` at one path (2 048 selections)
    const { status, body } = await post(devNobody, fanOut('adapters', 9, 'Adapter', 'id config'));
    expect(status).toBe(200);
    expect(body.data).toEqual({ adapters: [{ id: 'crm' }] });
    expect(body.errors).toEqual([
      { message: expect.stringMatching(/Unauthorized/), path: ['adapters', '@', 'config'], extensions: { code: 'UNAUTHORIZED' } },
    ]);
  });

  it('lists at most 100 removed paths, then says how many more there were', async () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `c${i}: config`).join(' ');
    const { status, bytes, body } = await post(manyAliases, `{ adapters { id ${aliases} } }`);
    expect(status).toBe(200);
    expect(body.data).toEqual({ adapters: [{ id: 'crm' }] });
    expect(body.errors).toHaveLength(101);
    expect(body.errors!.slice(0, 100).map((e) => e.path)).toEqual(Array.from({ length: 100 }, (_, i) => ['adapters', '@', `c${i}`]));
    expect(body.errors![100]).toMatchObject({ extensions: { code: 'UNAUTHORIZED', omitted: 50 } });
    expect(body.errors![100]!.message).toMatch(/50 more/);
    expect(bytes).toBeLessThan(30_000);
  });
});
