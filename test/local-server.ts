import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server standing in for a SaaS API; the handler can be swapped per test. */
export interface LocalServer {
  url: string;
  /** Requests received, in order (`GET /path?query`). */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  handle(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): void;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with a random port. */
export async function startLocalServer(): Promise<LocalServer> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> = (_req, res) => void res.writeHead(404).end();
  const requests: LocalServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    void Promise.resolve(handler(req, res)).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => void (handler = h),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON body. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
