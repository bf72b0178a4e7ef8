import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressGuard } from './address-policy';

/**
 * A `lookup` for `net.connect` / `tls.connect` that resolves through the guard and hands the
 * socket only addresses the guard allowed: the socket connects to the very address that was
 * checked, so a DNS answer that changes between check and connect (DNS rebinding) has no
 * window. Honours `family` and `all` (Node asks for `all` when it races IPv4 and IPv6,
 * `autoSelectFamily`). Address literals never reach a lookup; check them before connecting.
 *
 * Errors reach the socket's `error` event: the policy's `forbidden` error when no allowed address
 * is left, resolver errors (ENOTFOUND) as they are.
 */
export function guardedLookup(guard: AddressGuard): LookupFunction {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    guard.resolve(hostname).then(
      (resolved) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const fitting = family === 4 || family === 6 ? resolved.filter((a) => a.family === family) : resolved;
        if (fitting.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
          return callback(error, options.all ? [] : '');
        }
        if (options.all) return callback(null, fitting);
        return callback(null, fitting[0]!.address, fitting[0]!.family);
      },
      (error: Error) => callback(error, options.all ? [] : ''),
    );
  };
}
