import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Logger } from './logger';

/**
 * Limits of an HTTP server against clients that hold sockets (slowloris, slow bodies, idle
 * keep-alive, connection floods). Durations in ms; 0 turns a limit off.
 */
export interface ServerLimits {
  /** Longest time to receive a whole request, headers and body (Node `server.requestTimeout`). Default 30 000. */
  requestTimeoutMs?: number;
  /** Longest time to receive a request's headers (Node `server.headersTimeout`; at most the request timeout). Default 10 000. */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection waits for its next request (Node `server.keepAliveTimeout`). Default 5 000. */
  keepAliveTimeoutMs?: number;
  /**
   * Socket inactivity (neither side sends) that closes a connection while a request is in
   * progress (Fastify `connectionTimeout`, Node `server.timeout`): longer than the slowest
   * answer (a gateway waits up to its subgraph timeout). Upgraded WebSocket connections are
   * not affected (ws clears the socket timeout), nor paths in {@link longLivedPaths}. Default 60 000.
   */
  connectionTimeoutMs?: number;
  /**
   * Open connections per client address (an IPv6 client by its /64: one host holds a whole
   * /64); connections past it are closed at once. Behind a reverse proxy every connection
   * comes from the proxy: raise it or turn it off there and cap at the proxy. Default 64.
   */
  maxConnectionsPerIp?: number;
  /** Paths of long-lived responses (Server-Sent Events) whose socket has no inactivity timeout. */
  longLivedPaths?: readonly string[];
}

/** The defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  connectionTimeoutMs: 60_000,
  maxConnectionsPerIp: 64,
} as const satisfies ServerLimits;

/** Fastify server options of the limits (`requestTimeout`, `connectionTimeout`, `keepAliveTimeout`, and `http` for Node's own). */
export function fastifyTimeouts(limits: ServerLimits = {}): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
} {
  const requestTimeout = limits.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs;
  const wanted = limits.headersTimeoutMs ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs;
  // Node refuses a headers timeout longer than the request timeout
  const headersTimeout = requestTimeout > 0 ? Math.min(wanted, requestTimeout) : wanted;
  const shortest = Math.min(...[requestTimeout, headersTimeout].filter((t) => t > 0));
  return {
    requestTimeout,
    connectionTimeout: limits.connectionTimeoutMs ?? DEFAULT_SERVER_LIMITS.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout,
      // Node checks both timeouts on this period (default 30 s, which would let a slowloris
      // socket live up to 30 s past its timeout): a quarter of the shortest, 50 ms to 1 s
      connectionsCheckingInterval: Number.isFinite(shortest) ? Math.min(1_000, Math.max(50, Math.floor(shortest / 4))) : 1_000,
    },
  };
}

/**
 * Closes, at once, every connection past `max` open ones from the same client address
 * (counted on the server's `connection` event, released on the socket's `close`).
 * @param max connections per address; 0 or less installs nothing
 */
export function capConnectionsPerClient(server: Server, max: number, log?: Logger): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  const warned = new Set<string>(); // one warning per client while it stays at the cap (a flood would flood the log)
  server.on('connection', (socket: Socket) => {
    const client = clientKey(socket.remoteAddress);
    const count = (open.get(client) ?? 0) + 1;
    if (count > max) {
      if (!warned.has(client)) log?.warn({ client, max }, 'connections refused: too many open connections from this client');
      warned.add(client);
      socket.destroy();
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      warned.delete(client);
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
  });
}

/** The address a client is counted by: IPv4 (also when IPv4-mapped), or the /64 of an IPv6 address. */
function clientKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return address ?? 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}
