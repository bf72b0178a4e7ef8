import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';

// The real supergraph (catalog SDL with @cost / @listSize); the catalog subgraph is a loopback
// server that only counts what reaches it.
let catalog: LocalServer;
let gateway: GatewayService;
const post = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  return {
    status: response.statusCode,
    body: response.json() as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> },
  };
};
const subgraphCalls = () => catalog.requests.filter((r) => r.method === 'POST').length;

beforeAll(async () => {
  catalog = await startLocalServer();
  catalog.handle((_req, res) => json(res, 200, { data: { entity: null } }));
  gateway = await gatewayOver(`${catalog.url}/graphql`, {
    demandControl: { maxCost: 5_000, maxDepth: 8, maxAliases: 10, maxRootFields: 5, maxTokens: 800, defaultListSize: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await catalog?.close();
});

describe('demand control at the gateway', () => {
  it('rejects depth, alias, root-field, cost and token bombs with a 400 before any subgraph is called', async () => {
    const nested = (levels: number) => `{ entity(urn: "u") { ${'related { '.repeat(levels)}urn${' }'.repeat(levels)} } }`;
    const aliases = `{ entity(urn: "u") { ${Array.from({ length: 11 }, (_, i) => `a${i}: urn`).join(' ')} } }`;
    const viaFragments = `{ entity(urn: "u") { ...F ...G } } fragment F on Entity { x: urn y: urn z: urn } fragment G on Entity { related { ...F ...F ...F } }`;
    const roots = `{ ${Array.from({ length: 6 }, (_, i) => `r${i}: entity(urn: "${i}") { urn }`).join(' ')} }`;
    const costly = '{ entities(first: 500) { nodes { related(first: 100) { urn } } } }';
    const tokens = `{ entity(urn: "u") { ${Array.from({ length: 1_000 }, () => 'urn').join(' ')} } }`;
    const cases: Array<[string, string, Record<string, unknown>]> = [
      [nested(8), 'MAX_DEPTH_LIMIT', { actual: 10, limit: 8 }],
      [aliases, 'MAX_ALIASES_LIMIT', { actual: 11, limit: 10 }],
      [viaFragments, 'MAX_ALIASES_LIMIT', { actual: 12, limit: 10 }],
      [roots, 'MAX_ROOT_FIELDS_LIMIT', { actual: 6, limit: 5 }],
      [costly, 'COST_ESTIMATED_TOO_EXPENSIVE', { cost: 1 + 500 * (1 + 100), limit: 5_000 }],
      [tokens, 'GRAPHQL_PARSE_FAILED', {}],
    ];
    for (const [query, code, extensions] of cases) {
      const { status, body } = await post(query);
      expect({ code, status, error: body.errors?.[0]?.extensions }).toMatchObject({ status: 400, error: { code, ...extensions } });
    }
    expect(body(await post(nested(8))).errors[0]!.message).toMatch(/Found 10, limit 8/);
    expect(subgraphCalls()).toBe(0);
  });

  it('refuses variables nested 100 000 deep with a 400 BAD_USER_INPUT, not a stack overflow', async () => {
    const query = 'query ($urn: ID!, $filter: EntityFilter) { entity(urn: $urn) { urn } entities(filter: $filter) { totalCount } }';
    const bodies = [
      `{"query":${JSON.stringify(query)},"variables":{"urn":${'['.repeat(100_000)}"x"${']'.repeat(100_000)}}}`,
      `{"query":${JSON.stringify(query)},"variables":{"urn":"u","filter":${'{"source":'.repeat(50_000)}"x"${'}'.repeat(50_000)}}}`,
    ];
    const calls = subgraphCalls();
    for (const payload of bodies) {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', limit: 64 } }] });
    }
    expect(subgraphCalls()).toBe(calls);
  });

  it('lets ordinary operations through and exports their cost per operation', async () => {
    const { status, body: result } = await post('query OneEntity($urn: ID!) { entity(urn: $urn) { urn related(first: 5) { urn } } }', {
      urn: 'dictamesh:x:y:1',
    });
    expect(status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(subgraphCalls()).toBe(1);
    const metrics = await gateway.app.inject({ method: 'GET', url: '/metrics' });
    // entity (1) + related: 5 × 1
    expect(metrics.body).toContain('dictamesh_gateway_operation_cost_sum{operation="OneEntity"} 6');
  });
});

function body(response: { body: unknown }) {
  return response.body as { errors: Array<{ message: string }> };
}
