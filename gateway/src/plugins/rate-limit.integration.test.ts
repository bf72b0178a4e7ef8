import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '@dictamesh/runtime';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';
import { GatewayRateLimits, type RateLimitOptions } from './rate-limit';

// Two gateway instances sharing the real Redis of scripts/redis.sh; callers are told apart by a
// test header (the authenticator is the only fake), the catalog is a counting loopback server.
let catalog: LocalServer;
const redisClients: Redis[] = [];
const gateways: GatewayService[] = [];
const budgets: Omit<RateLimitOptions, 'redis'> = { requests: 5, cost: 20, orgRequests: 1_000, orgCost: 100_000, windowSeconds: 60 };

const start = async (options: Omit<RateLimitOptions, 'redis'>, shared: boolean) => {
  let redis: Redis | undefined;
  if (shared) {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
    redisClients.push(redis);
  }
  const gateway = await gatewayOver(`${catalog.url}/graphql`, {
    rateLimits: new GatewayRateLimits({ ...options, ...(redis ? { redis } : {}) }),
    auth: {
      authenticate: async (headers): Promise<Principal> => {
        const user = headers['x-test-user'];
        return typeof user === 'string'
          ? { subject: user, org: (headers['x-test-org'] as string) ?? 'acme', scopes: [], method: 'jwt' }
          : { subject: 'anonymous', org: null, scopes: [], method: 'anonymous' };
      },
    },
  });
  gateways.push(gateway);
  return gateway;
};
const ask = (gateway: GatewayService, headers: Record<string, string> = {}, query = '{ entity(urn: "u") { urn } }') =>
  gateway.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query } });
const calls = () => catalog.requests.filter((r) => r.method === 'POST').length;

beforeAll(async () => {
  catalog = await startLocalServer();
  catalog.handle((_req, res) => json(res, 200, { data: { entity: null } }));
  const flush = new Redis(inject('redisUrl'));
  await flush.flushall();
  flush.disconnect();
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  for (const r of redisClients) r.disconnect();
  await catalog.close();
});

describe('rate limits', () => {
  it('share one request budget across two gateway instances on Redis, with RateLimit-* and Retry-After', async () => {
    const [a, b] = [await start(budgets, true), await start(budgets, true)];
    const remaining: string[] = [];
    for (const gateway of [a, a, a, b, b]) {
      const response = await ask(gateway);
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-limit']).toBe('5');
      remaining.push(String(response.headers['ratelimit-remaining']));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const before = calls();
    const refused = await ask(a);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 5 });
    expect((await ask(b)).statusCode).toBe(429);
    expect(calls()).toBe(before); // refused before any subgraph call
    // another client has its own budget
    expect((await ask(b, { 'x-test-user': 'u1' })).statusCode).toBe(200);
  });

  it('charges estimated cost: a client runs out of cost budget before request budget', async () => {
    const [a, b] = gateways as [GatewayService, GatewayService];
    const six = '{ entity(urn: "u") { urn related(first: 5) { urn } } }'; // 1 + 5 × 1
    const statuses = [];
    for (const gateway of [a, b, a, b]) statuses.push((await ask(gateway, { 'x-test-user': 'u2' }, six)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]); // 6 + 6 + 6 = 18 ≤ 20 < 24
  });

  it('caps an organisation across its clients', async () => {
    const small = await start({ ...budgets, requests: 100, orgRequests: 3 }, false);
    const statuses = [];
    for (const user of ['u3', 'u4', 'u3', 'u4'])
      statuses.push((await ask(small, { 'x-test-user': user, 'x-test-org': 'tiny' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('without Redis each instance counts alone', async () => {
    const [c, d] = [await start(budgets, false), await start(budgets, false)];
    for (let i = 0; i < 5; i += 1) expect((await ask(c, { 'x-test-user': 'u5' })).statusCode).toBe(200);
    expect((await ask(c, { 'x-test-user': 'u5' })).statusCode).toBe(429);
    expect((await ask(d, { 'x-test-user': 'u5' })).statusCode).toBe(200);
  });
});
