import { isIP, Socket } from 'node:net';
import { AddressGuard, type OutboundPolicy } from './address-policy';
import { guardedLookup } from './guarded-lookup';

/**
 * A factory of TCP sockets whose `connect` obeys the outbound policy, for clients that open
 * their own sockets and accept a factory — node-postgres' `stream` option (it calls
 * `connect(port, host)`, or `connect(path)` for a Unix socket). An address literal is checked
 * as it is; a host name is resolved through the guard and the socket connects to a checked
 * address ({@link guardedLookup}); a Unix socket is a local service, allowed only with
 * `allowPrivateNetworks`. A refused connection fails the socket with the policy's `forbidden`
 * error (its `error` event), before anything is sent.
 */
export function guardedSocketFactory(policy: OutboundPolicy | AddressGuard): () => Socket {
  const guard = policy instanceof AddressGuard ? policy : new AddressGuard(policy);
  const lookup = guardedLookup(guard);
  return () => {
    const socket = new Socket();
    const connect = socket.connect.bind(socket) as (
      options: { port: number; host: string; lookup?: typeof lookup } | { path: string },
    ) => Socket;
    const refuse = (host: string) => {
      process.nextTick(() => socket.destroy(guard.refuse(host)));
      return socket;
    };
    socket.connect = ((portOrPath: number | string, host?: string) => {
      if (typeof portOrPath === 'string' && host === undefined && !/^\d+$/.test(portOrPath)) {
        return guard.allowAll ? connect({ path: portOrPath }) : refuse(portOrPath);
      }
      const target = { port: Number(portOrPath), host: host ?? 'localhost' };
      if (isIP(target.host)) return guard.permits(target.host, target.host) ? connect(target) : refuse(target.host);
      return connect({ ...target, lookup });
    }) as Socket['connect'];
    return socket;
  };
}
