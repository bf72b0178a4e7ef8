import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../test/local-server';
import { GatewayRateLimits } from './plugins/rate-limit';
import type { GatewayService } from './service';
import { gatewayOver } from '../test/gateway-over';

// One gateway whose limits change while it runs (GatewaySettings.apply): no restart in between.
let catalog: LocalServer;
let gateway: GatewayService;

beforeAll(async () => {
  catalog = await startLocalServer();
  catalog.handle((_req, res) => json(res, 200, { data: { entity: null } }));
  gateway = await gatewayOver(`${catalog.url}/graphql`, {
    rateLimits: new GatewayRateLimits({
      requests: 100,
      cost: 1_000_000_000_000,
      orgRequests: 1_000,
      orgCost: 10_000_000_000_000,
      windowSeconds: 60,
    }),
    demandControl: { maxDepth: 8, maxTokens: 800, maxCost: 1_000_000_000 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await catalog?.close();
});

const post = async (query: string, ip: string) => {
  const response = await gateway.app.inject({ method: 'POST', url: '/graphql', remoteAddress: ip, payload: { query } });
  const body = response.json() as { errors?: Array<{ extensions: Record<string, unknown> }> };
  return { status: response.statusCode, code: body.errors?.[0]?.extensions.code, extensions: body.errors?.[0]?.extensions };
};
const nested = (levels: number) => `{ entity(urn: "u") { ${'related { '.repeat(levels)}urn${' }'.repeat(levels)} } }`;

describe('gateway settings applied live', () => {
  it('a lowered request budget starts a new window at once: the (N+1)th request is RATE_LIMITED', async () => {
    for (let i = 0; i < 5; i++) expect((await post('{ entity(urn: "u") { urn } }', '203.0.113.1')).status).toBe(200);
    gateway.settings.apply({ rateLimits: { requests: 3 } });
    expect(gateway.settings.current().rateLimits).toEqual({
      requests: 3,
      cost: 1_000_000_000_000,
      orgRequests: 1_000,
      orgCost: 10_000_000_000_000,
      windowSeconds: 60,
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await post('{ entity(urn: "u") { urn } }', '203.0.113.1'));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
    expect(statuses[3]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3 });
    // raised again: a new window under the new budget
    gateway.settings.apply({ rateLimits: { requests: 100 } });
    expect((await post('{ entity(urn: "u") { urn } }', '203.0.113.1')).status).toBe(200);
  });

  it('demand control limits apply to the next operation: depth, mode, tokens and cost', async () => {
    const query = nested(4); // depth 6
    expect((await post(query, '203.0.113.2')).status).toBe(200);
    gateway.settings.apply({ demandControl: { maxDepth: 5 } });
    expect(await post(query, '203.0.113.2')).toMatchObject({ status: 400, code: 'MAX_DEPTH_LIMIT', extensions: { actual: 6, limit: 5 } });
    gateway.settings.apply({ demandControl: { mode: 'measure' } });
    expect((await post(query, '203.0.113.2')).status).toBe(200);
    gateway.settings.apply({ demandControl: { mode: 'enforce', maxDepth: 8 } });
    expect((await post(query, '203.0.113.2')).status).toBe(200);

    const tokens = `{ entity(urn: "u") { ${Array.from({ length: 100 }, () => 'urn').join(' ')} } }`;
    gateway.settings.apply({ demandControl: { maxTokens: 100 } });
    expect((await post(tokens, '203.0.113.2')).code).toBe('GRAPHQL_PARSE_FAILED');

    const costly = '{ entities(first: 500) { nodes { related(first: 100) { urn } } } }';
    expect((await post(costly, '203.0.113.2')).status).toBe(200);
    gateway.settings.apply({ demandControl: { maxCost: 5_000 } });
    expect((await post(costly, '203.0.113.2')).extensions).toMatchObject({
      code: 'COST_ESTIMATED_TOO_EXPENSIVE',
      cost: 1 + 500 * (1 + 100),
    });
    gateway.settings.apply({ demandControl: { maxCost: 100_000 } });
    expect((await post(costly, '203.0.113.2')).status).toBe(200);
    expect(gateway.settings.current().demandControl).toMatchObject({ maxDepth: 8, maxTokens: 100, maxCost: 100_000, mode: 'enforce' });
  });

  it('refuses an invalid limit and applies nothing', () => {
    const before = gateway.settings.current();
    expect(() => gateway.settings.apply({ rateLimits: { requests: 0 } })).toThrow(RangeError);
    expect(() => gateway.settings.apply({ demandControl: { maxDepth: 2, mode: 'panic' as 'enforce' } })).toThrow(RangeError);
    expect(gateway.settings.current()).toEqual(before);
  });
});
