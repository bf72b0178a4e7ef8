import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { closedWithin, openSocket } from '../../../test/raw-sockets';
import { createHttpApp } from './http';
import { createLogger } from './logger';
import type { ServerLimits } from './server-limits';

const apps: FastifyInstance[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** A Fastify app from createHttpApp with these limits, listening on loopback; returns its port. */
async function serve(serverLimits: ServerLimits, setup: (app: FastifyInstance) => void = () => undefined): Promise<number> {
  const app = createHttpApp({ logger: createLogger('test', 'silent'), serverLimits });
  app.get('/ok', async () => ({ ok: true }));
  app.post('/echo', async (request) => ({ got: request.body }));
  setup(app);
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

async function open(port: number): Promise<Socket> {
  const socket = await openSocket('127.0.0.1', port);
  sockets.push(socket);
  return socket;
}

/** Writes `chunk` every `everyMs` while the socket is open (at most `max` times). */
function trickle(socket: Socket, chunk: string, everyMs: number, max = 200): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || ++sent > max) return clearInterval(timer);
    socket.write(chunk);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

/** Sends one request on an open socket and resolves with the raw answer's status line (`closed` when the server closes it instead). */
function statusLine(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (data) => resolve(data.toString('latin1').split('\r\n')[0]!));
    socket.once('close', () => resolve('closed'));
    socket.write(request);
  });
}

const BOUND_MS = 8_000;

describe('server limits (slowloris, slow bodies, connections per client)', () => {
  it('closes a slowloris connection (headers sent a line at a time, never finished) once the headers timeout passes', async () => {
    const port = await serve({ headersTimeoutMs: 400, requestTimeoutMs: 2_000 });
    const socket = await open(port);
    socket.write('GET /ok HTTP/1.1\r\nHost: loris\r\n');
    trickle(socket, 'X-Slow: 1\r\n', 100);
    const closedAfterMs = await closedWithin(socket, BOUND_MS);
    expect(closedAfterMs).not.toBeNull();
    console.info(`slowloris socket closed after ${closedAfterMs} ms (headers timeout 400 ms)`);
  });

  it('cuts a request whose body arrives too slowly once the request timeout passes', async () => {
    const port = await serve({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const socket = await open(port);
    socket.write('POST /echo HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"');
    trickle(socket, 'x', 100);
    const closedAfterMs = await closedWithin(socket, BOUND_MS);
    expect(closedAfterMs).not.toBeNull();
    console.info(`slow body socket closed after ${closedAfterMs} ms (request timeout 1000 ms)`);
  });

  it('closes connections past the per-client cap at once and keeps serving the others', async () => {
    const port = await serve({ maxConnectionsPerIp: 3 });
    const kept = [await open(port), await open(port), await open(port)];
    const extra = [await open(port), await open(port)];
    for (const socket of extra) expect(await closedWithin(socket, BOUND_MS)).not.toBeNull();
    for (const socket of kept) expect(await statusLine(socket, 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    // a connection closed by its client frees its place (once the server has seen the close: retried, bounded)
    kept[0]!.destroy();
    let answer = 'closed';
    for (let attempt = 0; attempt < 50 && answer === 'closed'; attempt++) {
      answer = await statusLine(await open(port), 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n');
    }
    expect(answer).toBe('HTTP/1.1 200 OK');
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const port = await serve({ keepAliveTimeoutMs: 300 });
    const socket = await open(port);
    expect(await statusLine(socket, 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    expect(await closedWithin(socket, BOUND_MS)).not.toBeNull();
  });

  it('applies sane defaults when no limits are given (request 30 s, headers 10 s, keep-alive 5 s, 64 connections per client)', async () => {
    const app = createHttpApp({ logger: createLogger('test', 'silent') });
    apps.push(app);
    await app.ready();
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.headersTimeout).toBe(10_000);
    expect(app.server.keepAliveTimeout).toBe(5_000);
    expect(app.server.timeout).toBe(60_000);
  });
});
