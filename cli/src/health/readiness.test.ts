import { describe, expect, it } from 'vitest';
import { serverEnvSchema } from '../env-server';
import { checkReadiness, readinessLine, readinessTargets } from './readiness';

const server = (variables: Record<string, string>) => serverEnvSchema.parse(variables);

describe('readinessTargets', () => {
  it('checks every service of the process on its port, gateway first, on loopback when listening on every address', () => {
    expect(readinessTargets(server({ HOST: '0.0.0.0' })).map((t) => `${t.service} ${t.url}`)).toEqual([
      'gateway http://127.0.0.1:4000/readyz',
      'catalog http://127.0.0.1:4001/readyz',
      'adapters http://127.0.0.1:4003/readyz',
      'billing http://127.0.0.1:4004/readyz',
      'config http://127.0.0.1:4005/readyz',
      'notifications http://127.0.0.1:4006/readyz',
    ]);
  });

  it('checks only the services DICTAMESH_SERVICES names (webhooks = adapters), on their *_PORT and HOST', () => {
    expect(readinessTargets(server({ HOST: '0.0.0.0', DICTAMESH_SERVICES: 'notifications', NOTIFICATIONS_PORT: '9006' }))).toEqual([
      { service: 'notifications', url: 'http://127.0.0.1:9006/readyz' },
    ]);
    expect(readinessTargets(server({ DICTAMESH_SERVICES: 'webhooks' }))).toEqual([
      { service: 'adapters', url: 'http://127.0.0.1:4003/readyz' },
    ]);
    expect(readinessTargets(server({ HOST: '::', DICTAMESH_SERVICES: 'gateway' }))[0]!.url).toBe('http://127.0.0.1:4000/readyz');
    expect(readinessTargets(server({ HOST: '10.1.2.3', DICTAMESH_SERVICES: 'catalog' }))[0]!.url).toBe('http://10.1.2.3:4001/readyz');
    expect(readinessTargets(server({ HOST: 'fd00::5', DICTAMESH_SERVICES: 'config' }))[0]!.url).toBe('http://[fd00::5]:4005/readyz');
  });

  it('refuses a port picked at start (0), naming the service', () => {
    expect(() => readinessTargets(server({ DICTAMESH_SERVICES: 'gateway', GATEWAY_PORT: '0' }))).toThrow(
      /gateway listens on a port picked at start/,
    );
  });
});

describe('checkReadiness', () => {
  const targets = [
    { service: 'gateway', url: 'http://127.0.0.1:4000/readyz' },
    { service: 'catalog', url: 'http://127.0.0.1:4001/readyz' },
  ];

  it('is ready when every /readyz answers 2xx', async () => {
    const asked: string[] = [];
    const results = await checkReadiness(targets, 1_000, async (url) => {
      asked.push(String(url));
      return new Response('{"status":"ready"}', { status: 200 });
    });
    expect(asked).toEqual(targets.map((t) => t.url));
    expect(results.every((r) => r.ready)).toBe(true);
    expect(readinessLine(results)).toBe('ready: gateway, catalog');
  });

  it('names each service that answers otherwise, refuses the connection or is too slow', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const results = await checkReadiness(targets, 50, async (url, init) => {
      if (String(url).includes(':4000')) return new Response('not ready', { status: 503 });
      throw init?.signal ? refused : new Error('no signal given');
    });
    expect(results.map((r) => [r.ready, r.status])).toEqual([
      [false, 503],
      [false, 'ECONNREFUSED'],
    ]);
    expect(readinessLine(results)).toBe(
      'not ready: gateway (503 http://127.0.0.1:4000/readyz), catalog (ECONNREFUSED http://127.0.0.1:4001/readyz)',
    );
    const slow = await checkReadiness(targets.slice(0, 1), 30, (_url, init) => {
      return new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    });
    expect(slow[0]).toMatchObject({ ready: false, status: 'timeout' });
  });
});
