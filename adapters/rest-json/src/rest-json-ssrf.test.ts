import { pino } from 'pino';
import { parseAdapterConfig, type AdapterContext } from '@dictamesh/adapter-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInternalService, type InternalService } from '../../../test/internal-service';
import definition from './definition';
import { RestJsonAdapter } from './rest-json-adapter';

/**
 * Server-side request forgery: a tenant registers a rest-json adapter whose base URL points at
 * an internal service. With the production policy (no `outbound` in the context: public
 * addresses only) nothing may reach it — not even a TCP connection.
 */
const log = pino({ level: 'silent' });
const config = (baseUrl: string, auth: Record<string, unknown> = { type: 'none' }) =>
  parseAdapterConfig(definition, { baseUrl, source: 'internal', auth, resources: [{ name: 'items', entityType: 'item', path: '/items' }] });
const adapters: RestJsonAdapter[] = [];
const adapterFor = (baseUrl: string, context: Partial<AdapterContext> = {}, auth?: Record<string, unknown>) => {
  const adapter = new RestJsonAdapter('ssrf-test', config(baseUrl, auth), { log, ...context });
  adapters.push(adapter);
  return adapter;
};

let internal: InternalService;
let other: InternalService;
beforeAll(async () => {
  internal = await startInternalService();
  other = await startInternalService();
});
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.shutdown()));
  await internal.close();
  await other.close();
});
beforeEach(() => {
  for (const s of [internal, other]) {
    s.connections = 0;
    s.requests.length = 0;
  }
});

describe('rest-json adapter: source addresses (SSRF guard, production default)', () => {
  it('refuses a base URL on 127.0.0.1 with SOURCE_ADDRESS_FORBIDDEN; the internal service sees no connection', async () => {
    const error = await adapterFor(internal.url)
      .initialize()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SOURCE_ADDRESS_FORBIDDEN', status: 403, retryable: false, details: { host: '127.0.0.1' } });
    expect((error as Error).message).toContain('"127.0.0.1"');
    expect(internal.connections).toBe(0);
  });

  it('refuses a host name that resolves to loopback (localhost) and an IPv4-mapped IPv6 literal of it', async () => {
    for (const baseUrl of [`http://localhost:${internal.port}`, `http://[::ffff:127.0.0.1]:${internal.port}`]) {
      await expect(adapterFor(baseUrl).initialize(), baseUrl).rejects.toMatchObject({ code: 'SOURCE_ADDRESS_FORBIDDEN' });
    }
    expect(internal.connections).toBe(0);
  });

  it('refuses a public-looking name whose DNS answer is internal (the resolver is asked once; the checked address is the one used)', async () => {
    const asked: string[] = [];
    const resolve = async (name: string) => (asked.push(name), [{ address: '127.0.0.1', family: 4 as const }]);
    const error = await adapterFor(`http://api.partner-crm.example:${internal.port}`, { outbound: { resolve } })
      .initialize()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SOURCE_ADDRESS_FORBIDDEN', details: { host: 'api.partner-crm.example' } });
    expect((error as Error).message).not.toContain('127.0.0.1');
    expect(asked).toEqual(['api.partner-crm.example']);
    expect(internal.connections).toBe(0);
  });

  it('refuses an OAuth token endpoint on loopback before any credentials are sent', async () => {
    const auth = { type: 'oauth2-client-credentials', tokenUrl: `${internal.url}/oauth/token`, clientId: 'c', clientSecret: 's' };
    const error = await adapterFor('http://api.partner-crm.example', { outbound: { allowedHosts: ['api.partner-crm.example'] } }, auth)
      .initialize()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SOURCE_ADDRESS_FORBIDDEN', details: { host: '127.0.0.1' } });
    expect(internal.connections).toBe(0);
  });

  it('does not follow a redirect from an allowed host to loopback', async () => {
    const redirecting = await startInternalService('127.0.0.2', () => ({ status: 302, headers: { location: `${other.url}/items` } }));
    try {
      const adapter = adapterFor(redirecting.url, { outbound: { allowedHosts: ['127.0.0.2'] } });
      const error = await adapter.initialize().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SOURCE_REQUEST_FAILED', sourceStatus: 302 });
      expect(redirecting.requests).toEqual(['/items']);
      expect(other.connections).toBe(0);
    } finally {
      await redirecting.close();
    }
  });

  it('reaches an internal source the operator allowed (ADAPTER_ALLOWED_HOSTS: an address / CIDR, or a host name)', async () => {
    await adapterFor(internal.url, { outbound: { allowedHosts: ['127.0.0.0/8'] } }).initialize();
    await adapterFor(`http://localhost:${internal.port}`, { outbound: { allowedHosts: ['localhost'] } }).initialize();
    expect(internal.requests).toEqual(['/items', '/items']);
  });

  it('reaches anything in development mode (allowPrivateNetworks)', async () => {
    await adapterFor(internal.url, { outbound: { allowPrivateNetworks: true } }).initialize();
    expect(internal.requests).toEqual(['/items']);
  });
});
