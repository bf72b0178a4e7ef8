import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';

// A catalog stand-in on loopback that counts requests and TCP connections, and answers
// `entity` at once, except `slow:` URNs (never answered: the gateway's deadline must end them)
// and `held:` URNs (answered when the test calls releaseHeld()). No test depends on how fast
// this machine is: only `slow:` requests meet a deadline (on a gateway of their own), and the
// deduplication test waits on the gateway's counter, not on a delay.
let server: Server;
let connections = 0;
let requests = 0;
let gateway: GatewayService;
let gatewayWithDeadline: GatewayService;
const held: Array<() => void> = [];
const releaseHeld = () => held.splice(0).forEach((answer) => answer());

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests += 1;
      const urn = (JSON.parse(body) as { variables?: { urn?: string } }).variables?.urn ?? '';
      const answer = JSON.stringify({ data: { entity: { urn, displayName: `name of ${urn}` } } });
      const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      if (urn.startsWith('held')) held.push(send);
      else if (!urn.startsWith('slow')) send();
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  gateway = await gatewayOver(url, { subgraphTimeoutMs: { catalog: 120_000 } });
  gatewayWithDeadline = await gatewayOver(url, { subgraphTimeoutMs: { catalog: 500 } });
});
afterAll(async () => {
  await gateway?.close();
  await gatewayWithDeadline?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const metricsOf = async (service: GatewayService) => (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
const deduplicated = async () => {
  const metrics = await metricsOf(gateway);
  return Number(/dictamesh_gateway_subgraph_fetches_deduplicated_total\{subgraph="catalog"\} (\d+)/.exec(metrics)?.[1] ?? 0);
};

const entity = (urn: string, name = 'E', service = gateway) =>
  service.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: `query ${name}($urn: ID!) { entity(urn: $urn) { urn displayName } }`, variables: { urn } },
  });

describe('subgraph fetching', () => {
  it('fails a subgraph that does not answer in time with GATEWAY_TIMEOUT, in the response errors', async () => {
    const response = await entity('slow:1', 'E', gatewayWithDeadline);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      data: { entity: null },
      errors: [{ extensions: { code: 'GATEWAY_TIMEOUT', subgraph: 'catalog' } }],
    });
    expect(await metricsOf(gatewayWithDeadline)).toMatch(
      /dictamesh_gateway_subgraph_fetch_duration_seconds_count\{subgraph="catalog",result="timeout"\} 1/,
    );
  });

  it('sends identical concurrent fetches once, and keeps connections alive', async () => {
    await entity('warm-up');
    const [before, opened] = [requests, connections];
    const pending = Promise.all(Array.from({ length: 20 }, () => entity('held:thing:1')));
    // 19 callers joined the one fetch in flight, which reached the stand-in
    await expect.poll(async () => [await deduplicated(), held.length], { timeout: 20_000, interval: 50 }).toEqual([19, 1]);
    releaseHeld();
    const answers = await pending;
    expect(answers.map((a) => a.json().data.entity.displayName)).toEqual(Array(20).fill('name of held:thing:1'));
    expect(requests - before).toBe(1);
    for (let i = 0; i < 10; i += 1) await entity(`dictamesh:x:thing:${i + 2}`);
    expect(requests - before).toBe(11);
    expect(connections - opened).toBeLessThanOrEqual(1); // sequential requests reuse one kept-alive connection
  });

  it('caches query plans and counts hits and misses', async () => {
    await entity('a', 'PlanOnce');
    await entity('b', 'PlanOnce');
    const metrics = await metricsOf(gateway);
    expect(Number(/dictamesh_gateway_query_plan_cache_total\{result="hit"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).not.toMatch(/result="timeout"\} [1-9]/);
  });
});
