import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../test/local-server';
import { GatewayRateLimits } from './plugins/rate-limit';
import type { GatewayService } from './service';
import { gatewayOver } from '../test/gateway-over';

let catalog: LocalServer;
let gateway: GatewayService;

beforeAll(async () => {
  catalog = await startLocalServer();
  catalog.handle((_req, res) => json(res, 200, { data: { entity: null } }));
  gateway = await gatewayOver(`${catalog.url}/graphql`, {
    corsOrigins: ['https://app.example.test'],
    trustProxy: ['127.0.0.1'],
    rateLimits: new GatewayRateLimits({ requests: 2, cost: 1_000, orgRequests: 100, orgCost: 10_000, windowSeconds: 60 }),
  });
});
afterAll(async () => {
  await gateway?.close();
  await catalog?.close();
});

const query = { query: '{ entity(urn: "u") { urn } }' };

describe('gateway HTTP options', () => {
  it('answers CORS preflights for configured origins only, and exposes the rate limit headers', async () => {
    const preflight = (origin: string) =>
      gateway.app.inject({
        method: 'OPTIONS',
        url: '/graphql',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight('https://app.example.test');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    const post = await gateway.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { origin: 'https://app.example.test', 'x-forwarded-for': '203.0.113.9' },
      payload: query,
    });
    expect(post.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(String(post.headers['access-control-expose-headers'])).toContain('ratelimit-remaining');
  });

  it('takes the client address from a trusted proxy, so anonymous callers behind it get their own budgets', async () => {
    const from = (ip: string) =>
      gateway.app.inject({ method: 'POST', url: '/graphql', headers: { 'x-forwarded-for': ip }, payload: query });
    expect([
      (await from('198.51.100.1')).statusCode,
      (await from('198.51.100.1')).statusCode,
      (await from('198.51.100.1')).statusCode,
    ]).toEqual([200, 200, 429]);
    expect((await from('198.51.100.2')).statusCode).toBe(200);
  });
});
