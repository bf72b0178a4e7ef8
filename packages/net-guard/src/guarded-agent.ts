import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';
import { isAddressForbidden } from './forbidden';
import { AddressGuard, type OutboundPolicy } from './address-policy';
import { guardedLookup } from './guarded-lookup';

/**
 * An undici connector that opens only connections the {@link OutboundPolicy} allows: an
 * address literal host is checked as it is, a host name is resolved through the guard and
 * the socket connects to a checked address ({@link guardedLookup}). TLS still verifies the
 * certificate against the host name. Used by every dispatcher (Pool, Agent) of source
 * requests, so every connection — every redirect hop too — is checked. A refused connection
 * fails with the policy's `forbidden` error.
 * @param connectOptions undici connector options (`timeout`, TLS options), without `lookup`
 */
export function guardedConnector(
  policy: OutboundPolicy | AddressGuard,
  connectOptions: buildConnector.BuildOptions = {},
): buildConnector.connector {
  const guard = policy instanceof AddressGuard ? policy : new AddressGuard(policy);
  const connect = buildConnector({ ...connectOptions, lookup: guardedLookup(guard) });
  return (options, callback) => {
    if (isIP(options.hostname) && !guard.permits(options.hostname, options.hostname)) {
      queueMicrotask(() => callback(guard.refuse(options.hostname), null));
      return;
    }
    connect(options, callback);
  };
}

/**
 * An undici Agent (for `fetch(url, { dispatcher })` or `request`) whose connections obey the
 * policy; other Agent options (keep-alive, connections per origin) as given.
 */
export function createGuardedAgent(policy: OutboundPolicy | AddressGuard, options: Omit<Agent.Options, 'connect'> = {}): Agent {
  return new Agent({ ...options, connect: guardedConnector(policy) });
}

/**
 * `fetch` (undici's, WHATWG) over a {@link createGuardedAgent}: every connection, the first and
 * each redirect hop's, is checked. A refused connection rejects with the policy's `forbidden`
 * error itself rather than fetch's generic `TypeError: fetch failed`.
 */
export function guardedFetch(policy: OutboundPolicy | AddressGuard, dispatcher: Dispatcher = createGuardedAgent(policy)): typeof fetch {
  return (async (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) => {
    try {
      return await undiciFetch(input, { ...init, dispatcher });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      throw isAddressForbidden(cause) ? cause : error;
    }
  }) as unknown as typeof fetch;
}
