import { connect, type Socket } from 'node:net';

/** A raw TCP connection to `host:port` (slow-client tests); resets are expected and ignored, 'close' is what tests wait for. */
export function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** Resolves with the ms until `socket` closed, or with `null` if it is still open after `boundMs`. */
export function closedWithin(socket: Socket, boundMs: number): Promise<number | null> {
  const started = performance.now();
  if (socket.closed) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), boundMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Math.round(performance.now() - started));
    });
  });
}
