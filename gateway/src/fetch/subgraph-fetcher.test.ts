import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';

// A catalog stand-in on loopback that counts requests and TCP connections, and answers
// `entity` after a delay chosen by the URN (`slow:` → 400 ms).
let server: Server;
let connections = 0;
let requests = 0;
let gateway: GatewayService;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests += 1;
      const urn = (JSON.parse(body) as { variables?: { urn?: string } }).variables?.urn ?? '';
      const answer = JSON.stringify({ data: { entity: { urn, displayName: `name of ${urn}` } } });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(answer), urn.startsWith('slow') ? 400 : 20);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway = await gatewayOver(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
    subgraphTimeoutMs: { catalog: 150 },
  });
});
afterAll(async () => {
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const entity = (urn: string, name = 'E') =>
  gateway.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: `query ${name}($urn: ID!) { entity(urn: $urn) { urn displayName } }`, variables: { urn } },
  });

describe('subgraph fetching', () => {
  it('fails a subgraph that does not answer in time with GATEWAY_TIMEOUT, in the response errors', async () => {
    const response = await entity('slow:1');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      data: { entity: null },
      errors: [{ extensions: { code: 'GATEWAY_TIMEOUT', subgraph: 'catalog' } }],
    });
  });

  it('sends identical concurrent fetches once, and keeps connections alive', async () => {
    await entity('warm-up');
    const [before, opened] = [requests, connections];
    const answers = await Promise.all(Array.from({ length: 20 }, () => entity('dictamesh:x:thing:1')));
    expect(answers.map((a) => a.json().data.entity.displayName)).toEqual(Array(20).fill('name of dictamesh:x:thing:1'));
    expect(requests - before).toBe(1);
    for (let i = 0; i < 10; i += 1) await entity(`dictamesh:x:thing:${i + 2}`);
    expect(requests - before).toBe(11);
    expect(connections - opened).toBeLessThanOrEqual(1); // sequential requests reuse one kept-alive connection
  });

  it('caches query plans and counts hits and misses', async () => {
    await entity('a', 'PlanOnce');
    await entity('b', 'PlanOnce');
    const metrics = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(Number(/dictamesh_gateway_query_plan_cache_total\{result="hit"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/dictamesh_gateway_subgraph_fetch_duration_seconds_count\{subgraph="catalog",result="timeout"\} 1/);
    expect(metrics).toMatch(/dictamesh_gateway_subgraph_fetches_deduplicated_total\{subgraph="catalog"\} 19/);
  });
});
