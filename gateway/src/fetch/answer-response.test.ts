import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphAgent, createSubgraphFetcher } from './subgraph-fetcher';

// The responses the fetcher hands to RemoteGraphQLDataSource, without a gateway: a loopback
// subgraph stand-in answering after 30 ms, so that concurrent identical fetches overlap.
let server: Server;
let url: string;
let requests = 0;
let agent: Agent;
let fetcher: Fetcher;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const body = JSON.stringify({ data: { _entities: [{ id: '1', tags: ['a', 'b'], nested: { n: 1 } }] } });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'x-seen': String(requests) }).end(body), 30);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  agent = createSubgraphAgent(4);
  fetcher = createSubgraphFetcher({ subgraph: 'test', timeoutMs: 2_000, agent });
});
afterAll(async () => {
  await agent?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const query = (body = '{"query":"query { _entities { id } }"}') =>
  fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('subgraph fetcher responses', () => {
  it('gives every caller of a shared fetch its own parsed objects', async () => {
    const before = requests;
    const responses = await Promise.all(Array.from({ length: 5 }, () => query()));
    expect(requests - before).toBe(1);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ data: { _entities: Array<Record<string, unknown>> } }>;
    // @apollo/gateway merges into what it receives: a change by one caller must not reach another
    bodies[0]!.data._entities[0]!.id = 'changed';
    (bodies[1]!.data._entities[0]!.tags as string[]).push('c');
    expect(new Set(bodies.map((b) => b.data._entities[0])).size).toBe(5);
    expect(bodies.slice(2).map((b) => b.data._entities[0])).toEqual(Array(3).fill({ id: '1', tags: ['a', 'b'], nested: { n: 1 } }));
  });

  it('behaves like a fetch Response: status, case-insensitive headers, one read, clones', async () => {
    const response = await query('{"query":"query { _entities { id tags } }"}');
    expect([response.ok, response.status, response.statusText, response.url]).toEqual([true, 200, 'OK', url]);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    response.headers.set('x-mine', '1');
    expect(response.headers.get('X-Mine')).toBe('1');
    expect([...response.headers].map(([name]) => name)).toContain('x-mine');
    const copy = response.clone();
    expect(copy.headers.get('x-mine')).toBeNull(); // each response has its own headers
    expect(JSON.parse(await response.text())).toEqual(await copy.json());
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toThrow(TypeError);
  });

  it('never shares mutations', async () => {
    const before = requests;
    await Promise.all(Array.from({ length: 3 }, () => query('{"query":"mutation { touch }"}')));
    expect(requests - before).toBe(3);
  });
});
