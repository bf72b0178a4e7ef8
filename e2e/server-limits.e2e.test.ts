import { readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closedWithin, openSocket } from '../test/raw-sockets';
import { FIXTURES, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

// the shortest timeouts the configuration allows, so that the test sees them pass
const LIMITS = {
  HTTP_REQUEST_TIMEOUT_MS: '1000',
  HTTP_HEADERS_TIMEOUT_MS: '1000',
  HTTP_CONNECTION_TIMEOUT_MS: '1000',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
  MAX_CONNECTIONS_PER_IP: '16',
};
const BOUND_MS = 15_000;
const dataDir = tempDataDir();
let stack: FullStack;
let ws: Client;
let sse: SseClient;

beforeAll(async () => {
  stack = await startTestStack(dataDir, {}, LIMITS);
  ws = createClient({ url: stack.urls.gateway.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  sse = createSseClient({ url: stack.urls.gateway.replace(/\/graphql$/, '/graphql/stream'), retryAttempts: 0 });
});
afterAll(async () => {
  await ws?.dispose();
  sse?.dispose();
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A raw socket to a service URL's host and port. */
function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return openSocket(hostname, Number(port));
}

describe('server limits on the running stack', () => {
  it('disconnects slowloris clients from the gateway, the catalog and the webhook endpoint within the headers timeout', async () => {
    for (const url of [stack.urls.gateway, stack.urls.catalog, stack.urls.webhooks]) {
      const socket = await open(url);
      socket.write('GET /healthz HTTP/1.1\r\nHost: loris\r\n');
      const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
      const closedAfterMs = await closedWithin(socket, BOUND_MS);
      clearInterval(timer);
      expect(closedAfterMs, url).not.toBeNull();
      console.info(`${new URL(url).pathname}: slowloris socket closed after ${closedAfterMs} ms (headers timeout 1000 ms)`);
    }
  });

  it('keeps graphql-ws and SSE subscriptions open past the request, headers and inactivity timeouts, and delivers on them', async () => {
    const received = { ws: 0, sse: 0 };
    const failures: unknown[] = [];
    let wsClosed = 0;
    ws.on('closed', () => void wsClosed++);
    const query = 'subscription { entityChanged { operation urn } }';
    const stopWs = ws.subscribe(
      { query },
      { next: () => void received.ws++, error: (e) => void failures.push(e), complete: () => undefined },
    );
    const stopSse = sse.subscribe(
      { query },
      { next: () => void received.sse++, error: (e) => void failures.push(e), complete: () => undefined },
    );

    // witness: a connection opened after both subscriptions, silent from the start, is closed by the
    // inactivity / headers timeout; the subscriptions have been quiet at least as long by then
    const witness = await open(stack.urls.gateway);
    expect(await closedWithin(witness, BOUND_MS)).not.toBeNull();

    // deliveries on both (one fixture after another until both received one; bounded)
    const fixtures = readdirSync(FIXTURES).sort();
    for (let i = 0; i < fixtures.length && (received.ws === 0 || received.sse === 0); i++) {
      expect((await postWebhook(stack, readFileSync(join(FIXTURES, fixtures[i]!)))).status).toBe(202);
      await expect
        .poll(() => received.ws > 0 && received.sse > 0, { timeout: 5_000 })
        .toBe(true)
        .catch(() => undefined);
    }
    expect(failures).toEqual([]);
    expect(wsClosed).toBe(0);
    expect(received.ws).toBeGreaterThan(0);
    expect(received.sse).toBeGreaterThan(0);
    stopWs();
    stopSse();
    await ws.dispose();
    sse.dispose();
  });

  it('closes gateway connections past MAX_CONNECTIONS_PER_IP at once; the catalog (whose clients are gateways) has no cap', async () => {
    const opened: Socket[] = [];
    try {
      for (let i = 0; i < 24; i++) opened.push(await open(stack.urls.gateway));
      const closed = await Promise.all(opened.map((s) => closedWithin(s, 500)));
      // at most 16 kept (fewer if a connection of the test before is still open on the server's side)
      const kept = closed.filter((c) => c === null).length;
      expect(kept).toBeLessThanOrEqual(16);
      expect(kept).toBeGreaterThanOrEqual(8);
      const toCatalog: Socket[] = [];
      for (let i = 0; i < 24; i++) toCatalog.push(await open(stack.urls.catalog));
      opened.push(...toCatalog);
      const answers = await Promise.all(
        toCatalog.map(
          (s) =>
            new Promise<string>((resolve) => {
              s.once('data', (d) => resolve(d.toString('latin1').split('\r\n')[0]!));
              s.once('close', () => resolve('closed'));
              s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
            }),
        ),
      );
      expect(new Set(answers)).toEqual(new Set(['HTTP/1.1 200 OK']));
    } finally {
      for (const s of opened) s.destroy();
    }
  });
});
