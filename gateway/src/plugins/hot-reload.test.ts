import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@dictamesh/runtime';
import { startLocalServer, json, type LocalServer } from '../../../test/local-server';
import { createGatewayService, type GatewayService } from '../service';
import { composeSupergraph, dictameshSubgraphs, type SubgraphSource } from '../supergraph';

// The catalog SDL in a temporary folder, a loopback subgraph that answers whatever the
// gateway asks (and reports an SDL of its own to `_service`), and a gateway that hot-reloads.
const folder = mkdtempSync(join(tmpdir(), 'dictamesh-hot-reload-'));
const sdlPath = join(folder, 'catalog.graphql');
let subgraph: LocalServer;
let liveSdl = '';
const gateways: GatewayService[] = [];
/** What the gateways log at level error (a change that does not compose is logged there). */
const errorLog: string[] = [];

const start = async (hotReload: { watchFiles: boolean; pollIntervalMs: number }) => {
  const subgraphs: SubgraphSource[] = [{ name: 'catalog', url: `${subgraph.url}/graphql`, sdlPath }];
  const gateway = await createGatewayService({
    supergraphSdl: composeSupergraph(subgraphs),
    subgraphs,
    logger: createLogger('test', 'error', { write: (line: string) => void errorLog.push(line) }),
    introspection: false,
    hotReload,
  });
  gateways.push(gateway);
  return gateway;
};
const ask = async (gateway: GatewayService, query: string) => {
  const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  return { status: response.statusCode, ...(response.json() as { data?: Record<string, unknown> | null; errors?: unknown[] }) };
};

beforeAll(async () => {
  copyFileSync(dictameshSubgraphs({ catalog: 'http://unused', adapters: 'http://unused' })[0]!.sdlPath, sdlPath);
  liveSdl = readFileSync(sdlPath, 'utf8');
  subgraph = await startLocalServer();
  subgraph.handle(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const query = (JSON.parse(body) as { query: string }).query;
    if (query.includes('_service')) return json(res, 200, { data: { _service: { sdl: liveSdl } } });
    const data: Record<string, unknown> = {};
    for (const field of ['ping', 'pong', 'entity']) if (query.includes(field)) data[field] = field === 'entity' ? null : `${field}!`;
    json(res, 200, { data });
  });
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  await subgraph.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('supergraph hot reload', () => {
  it('takes a changed subgraph SDL file into service under load without a failed request; keeps serving on a bad change', async () => {
    const gateway = await start({ watchFiles: true, pollIntervalMs: 0 });
    expect((await ask(gateway, '{ ping }')).errors).toBeDefined(); // not in the schema yet

    let running = true;
    const failures: unknown[] = [];
    let served = 0;
    const load = Array.from({ length: 4 }, async () => {
      while (running) {
        const answer = await ask(gateway, '{ entity(urn: "dictamesh:x:y:1") { urn } }');
        if (answer.status !== 200 || answer.errors) failures.push(answer);
        served += 1;
      }
    });
    // under load: requests answered before the change, and more after the new schema is in
    // service (counted, not timed: a busy machine serves fewer per second)
    await vi.waitFor(() => expect(served).toBeGreaterThanOrEqual(10), { timeout: 30_000 });
    writeFileSync(sdlPath, `${readFileSync(sdlPath, 'utf8')}\nextend type Query {\n  ping: String\n}\n`);
    await expect.poll(async () => (await ask(gateway, '{ ping }')).data?.ping, { timeout: 30_000 }).toBe('ping!');
    const servedWhenReloaded = served;
    await vi.waitFor(() => expect(served).toBeGreaterThanOrEqual(servedWhenReloaded + 10), { timeout: 30_000 });
    running = false;
    await Promise.all(load);
    expect(failures).toEqual([]);

    writeFileSync(sdlPath, `${readFileSync(sdlPath, 'utf8')}\ntype Broken {\n`); // does not parse
    await vi.waitFor(() => expect(errorLog.join('')).toContain('does not compose'), { timeout: 30_000 });
    expect((await ask(gateway, '{ ping }')).data?.ping).toBe('ping!');
    const metrics = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/dictamesh_gateway_supergraph_loads_total 2/);
  });

  it('follows a subgraph that reports a new SDL when polling', async () => {
    writeFileSync(sdlPath, liveSdl); // the file as it started
    liveSdl = `${liveSdl}\nextend type Query {\n  pong: String\n}\n`;
    const gateway = await start({ watchFiles: false, pollIntervalMs: 100 });
    await expect.poll(async () => (await ask(gateway, '{ pong }')).data?.pong, { timeout: 30_000 }).toBe('pong!');
  });
});
