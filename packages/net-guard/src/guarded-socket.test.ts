import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressForbiddenError } from './forbidden';
import { guardedSocketFactory } from './guarded-socket';

let server: Server;
let port: number;
let connections = 0;
beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Connects a socket of the factory; resolves with what it read or the error it failed with. */
function attempt(factory: ReturnType<typeof guardedSocketFactory>, ...target: [number, string] | [string]): Promise<string | Error> {
  return new Promise((resolve) => {
    const socket = factory();
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('error', (error) => resolve(error));
    socket.on('close', () => resolve(data));
    (socket.connect as (...args: unknown[]) => unknown)(...target);
  });
}

describe('guardedSocketFactory', () => {
  it('refuses a loopback literal, a loopback name and a Unix socket before connecting; allows them in development', async () => {
    const before = connections;
    const literal = await attempt(guardedSocketFactory({}), port, '127.0.0.1');
    expect(literal).toBeInstanceOf(AddressForbiddenError);
    expect((literal as AddressForbiddenError).host).toBe('127.0.0.1');
    expect(
      await attempt(guardedSocketFactory({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] }), port, 'db.example'),
    ).toBeInstanceOf(AddressForbiddenError);
    expect(await attempt(guardedSocketFactory({}), '/var/run/postgresql/.s.PGSQL.5432')).toBeInstanceOf(AddressForbiddenError);
    expect(connections).toBe(before);
    expect(await attempt(guardedSocketFactory({ allowPrivateNetworks: true }), port, '127.0.0.1')).toBe('hello');
    expect(connections).toBe(before + 1);
  });
});
