import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Resolver } from './address-policy';
import { AddressForbiddenError } from './forbidden';
import { createGuardedAgent, guardedFetch } from './guarded-agent';

/** A loopback HTTP server counting connections and requests; `redirectTo` makes it answer 302. */
interface Target {
  url: string;
  port: number;
  connections: number;
  requests: string[];
  redirectTo?: string;
  close(): Promise<void>;
}
async function target(host = '127.0.0.1'): Promise<Target> {
  const server: Server = createServer((req, res) => {
    t.requests.push(req.url ?? '/');
    if (t.redirectTo) res.writeHead(302, { location: t.redirectTo }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(`internal answer from ${host}`);
  });
  server.on('connection', () => void t.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const t: Target = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    connections: 0,
    requests: [],
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  return t;
}

const refused = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AddressForbiddenError);
  return error as AddressForbiddenError;
};

let a: Target; // 127.0.0.1
let b: Target; // 127.0.0.2
let v6: Target; // ::1
beforeAll(async () => {
  [a, b, v6] = await Promise.all([target('127.0.0.1'), target('127.0.0.2'), target('::1')]);
});
afterAll(async () => Promise.all([a, b, v6].map((t) => t.close())));
beforeEach(() => {
  for (const t of [a, b, v6]) {
    t.connections = 0;
    t.requests.length = 0;
    delete t.redirectTo;
  }
});

describe('guardedFetch / createGuardedAgent (the SSRF guard for outgoing HTTP)', () => {
  it('refuses loopback literals, IPv4 and IPv6, without opening a connection', async () => {
    const fetch = guardedFetch({});
    expect((await refused(fetch(`${a.url}/secret`))).host).toBe('127.0.0.1');
    expect((await refused(fetch(`${v6.url}/secret`))).host).toBe('::1');
    expect(a.connections + v6.connections).toBe(0);
  });

  it('refuses a host name that resolves to loopback: localhost, or a public-looking name with an internal DNS answer', async () => {
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    await refused(guardedFetch({})(`http://localhost:${a.port}/`));
    const error = await refused(guardedFetch({ resolve })(`http://status.vendor.example:${a.port}/`));
    expect(error.message).toContain('status.vendor.example');
    expect(error.message).not.toContain('127.0.0.1');
    expect(a.connections).toBe(0);
  });

  it('checks every redirect hop: a redirect from an allowed host to loopback is refused and never reaches it', async () => {
    b.redirectTo = `${a.url}/latest/meta-data/`;
    const fetch = guardedFetch({ allowedHosts: ['127.0.0.2'] });
    await refused(fetch(`${b.url}/start`));
    expect(b.requests).toEqual(['/start']);
    expect(a.connections).toBe(0);
  });

  it('connects to the address it checked (no second resolution to rebind): one lookup per connection', async () => {
    // a rebinding resolver: allowed answer first, loopback after
    const answers = ['127.0.0.2', '127.0.0.1'];
    const asked: string[] = [];
    const resolve: Resolver = async (name) => {
      asked.push(name);
      return [{ address: answers.shift() ?? '127.0.0.1', family: 4 }];
    };
    const agent = createGuardedAgent({ resolve, allowedHosts: ['127.0.0.2/32'] });
    try {
      const response = await guardedFetch({}, agent)(`http://rebind.example:${b.port}/once`);
      expect(await response.text()).toBe('internal answer from 127.0.0.2');
      expect(asked).toEqual(['rebind.example']);
      expect(b.requests).toEqual(['/once']);
      expect(a.connections).toBe(0);
    } finally {
      await agent.close();
    }
  });

  it('lets through what the operator allowed, by address range or by name, and anything in development mode', async () => {
    expect((await guardedFetch({ allowedHosts: ['127.0.0.0/8'] })(`${a.url}/x`)).status).toBe(200);
    expect((await guardedFetch({ allowedHosts: ['localhost'] })(`http://localhost:${a.port}/y`)).status).toBe(200);
    expect((await guardedFetch({ allowPrivateNetworks: true })(`${v6.url}/z`)).status).toBe(200);
    expect([...a.requests, ...v6.requests]).toEqual(['/x', '/y', '/z']);
  });
});
