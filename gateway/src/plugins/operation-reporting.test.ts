import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessEventBus, TOPICS, type BusRecord, type OperationUsage } from '@dictamesh/events';
import { createLogger, type Principal } from '@dictamesh/runtime';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { gatewayOver } from '../../test/gateway-over';
import { UsageStream } from '../metering/usage-stream';
import type { GatewayService } from '../service';

// Metering end to end: a gateway over the real supergraph publishes usage on an in-process bus;
// a consumer of the usage topic reads it back as billing would.
let catalog: LocalServer;
let gateway: GatewayService;
let bus: InProcessEventBus;
const usage: BusRecord[] = [];
const acme: Principal = { subject: 'user-1', org: 'acme', scopes: [], method: 'jwt' };

beforeAll(async () => {
  catalog = await startLocalServer();
  catalog.handle(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    if (text.includes('broken')) return json(res, 200, { data: { entity: null }, errors: [{ message: 'boom', path: ['entity'] }] });
    json(res, 200, { data: { viewer: { subject: 'user-1' }, entity: { urn: 'u:1' } } });
  });
  bus = new InProcessEventBus({ partitions: 2 });
  await bus.subscribe({
    groupId: 'billing',
    topics: [TOPICS.operationUsage],
    fromBeginning: true,
    eachMessage: async (r) => void usage.push(r),
  });
  gateway = await gatewayOver(`${catalog.url}/graphql`, {
    usage: { bus, flushMs: 50 },
    auth: {
      authenticate: async (headers) =>
        headers['x-test-org'] ? acme : { subject: 'anonymous', org: null, scopes: [], method: 'anonymous' },
    },
    demandControl: { maxDepth: 3 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await bus?.close();
  await catalog?.close();
});

const post = (query: string, headers: Record<string, string> = {}) =>
  gateway.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query } });

describe('metering and per-operation metrics', () => {
  it('records org, caller, name, type, cost, duration and result of every operation on the usage stream', async () => {
    await post('query Me { viewer { subject } }', { 'x-test-org': 'acme', 'apollographql-client-name': 'web' });
    await post('query Broken { entity(urn: "dictamesh:x:y:broken") { urn } }');
    await post('query Deep { entity(urn: "u") { related { related { related { urn } } } } }');
    await post('mutation Pause { pauseAdapter(id: "a") { id } }'); // anonymous, no scope: nothing authorised left
    await expect.poll(() => usage.length, { timeout: 30_000 }).toBe(4);
    const data = usage.map((r) => r.event.data as OperationUsage);
    expect(data.map((u) => [u.org, u.subject, u.operationName, u.operationType, u.result, u.errorCodes ?? []])).toEqual([
      ['acme', 'user-1', 'Me', 'query', 'ok', []],
      ['default', 'anonymous', 'Broken', 'query', 'partial', ['INTERNAL_SERVER_ERROR']], // a subgraph error without a code is masked
      ['default', 'anonymous', 'Deep', 'query', 'refused', ['MAX_DEPTH_LIMIT']],
      ['default', 'anonymous', 'Pause', 'mutation', 'error', ['UNAUTHORIZED']],
    ]);
    expect(data[0]).toMatchObject({ clientName: 'web', cost: 1, errorCount: 0 });
    expect(data[0]!.operationId).toMatch(/^[0-9a-f]{64}$/);
    expect(data.every((u) => u.durationMs > 0 && !Number.isNaN(Date.parse(u.occurredAt)))).toBe(true);
    // CloudEvents keyed by organisation, validated against the usage schema when published
    expect(usage.map((r) => [r.key, r.event.type, r.event.dataschema])).toContainEqual([
      'acme',
      'dictamesh.usage.operation',
      'urn:dictamesh:schema:operation-usage:1',
    ]);
    const metrics = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('dictamesh_gateway_operations_total{operation="Me",type="query",result="ok"} 1');
    expect(metrics).toContain('dictamesh_gateway_operations_total{operation="Deep",type="query",result="refused"} 1');
    expect(metrics).toMatch(/dictamesh_gateway_operation_duration_seconds_count\{operation="Broken",type="query",result="partial"\} 1/);
  });

  it('keeps usage while the bus refuses it and publishes it once the bus is back', async () => {
    const flaky = new InProcessEventBus({ partitions: 1 });
    const seen: BusRecord[] = [];
    await flaky.subscribe({
      groupId: 'billing',
      topics: [TOPICS.operationUsage],
      fromBeginning: true,
      eachMessage: async (r) => void seen.push(r),
    });
    let down = true;
    let refused = 0;
    const publish = flaky.publish.bind(flaky);
    flaky.publish = async (topic, records) => {
      if (down) {
        refused += 1;
        throw new Error('broker unavailable');
      }
      return publish(topic, records);
    };
    const dropped: number[] = [];
    const stream = new UsageStream({
      bus: flaky,
      log: createLogger('test', 'silent'),
      flushMs: 20,
      maxBuffered: 3,
      onDropped: (n) => void dropped.push(n),
    });
    const record = (i: number): OperationUsage => ({
      org: 'acme',
      subject: 's',
      operationName: `Op${i}`,
      operationType: 'query',
      cost: 1,
      durationMs: 1,
      result: 'ok',
      errorCount: 0,
      occurredAt: new Date().toISOString(),
    });
    for (let i = 0; i < 4; i++) stream.record(record(i));
    // a few flushes fail while the bus is down (counted, not timed)
    await vi.waitFor(() => expect(refused).toBeGreaterThanOrEqual(3), { timeout: 30_000, interval: 5 });
    expect(seen).toEqual([]);
    expect(dropped).toEqual([1]); // the oldest, beyond maxBuffered
    down = false;
    await expect
      .poll(() => seen.map((r) => (r.event.data as OperationUsage).operationName), { timeout: 30_000 })
      .toEqual(['Op1', 'Op2', 'Op3']);
    await stream.close();
    await flaky.close();
  });
});
