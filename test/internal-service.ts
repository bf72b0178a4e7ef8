import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An "internal service" on a loopback address for server-side request forgery tests: it answers
 * JSON a rest-json adapter would read as entities, and counts TCP connections and requests so a
 * test can show that nothing reached it (not even a connection).
 */
export interface InternalService {
  url: string;
  port: number;
  /** TCP connections accepted so far (a test may reset it). */
  connections: number;
  /** Paths requested, in order (a test may empty it). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts an {@link InternalService} on `host` (any 127.0.0.0/8 address), port chosen by the system.
 * @param answer status and extra headers per requested path (e.g. a redirect); default 200
 */
export async function startInternalService(
  host = '127.0.0.1',
  answer?: (url: string) => { status: number; headers?: Record<string, string> },
): Promise<InternalService> {
  const state = { connections: 0, requests: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.url ?? '/');
    const a = answer?.(req.url ?? '/') ?? { status: 200 };
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(JSON.stringify([{ id: 1, name: 'internal secret' }]));
  });
  server.on('connection', () => void state.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    port,
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}
