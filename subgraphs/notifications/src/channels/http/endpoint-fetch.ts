import { createGuardedAgent, guardedFetch, type Resolver } from '@dictamesh/net-guard';
import { err } from '@dictamesh/runtime';
import type { Fetcher } from './attempt';

/** A fetch to tenant-configured endpoint URLs and the agent to close with it. */
export interface EndpointFetch {
  fetch: Fetcher;
  close(): Promise<void>;
}

/** The net-guard policy of endpoint URLs: public addresses only unless development allows private networks. */
export function endpointPolicy(options: { allowPrivateNetworks: boolean; resolve?: Resolver }) {
  return {
    allowPrivateNetworks: options.allowPrivateNetworks,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    forbidden: (host: string) =>
      err('NOTIFICATION_ENDPOINT_FORBIDDEN', `Connections to "${host.slice(0, 253)}" are refused: it is not a public address.`, {
        host: host.slice(0, 253),
      }),
  };
}

/**
 * The only way notifications reach tenant URLs (webhooks, Slack, PagerDuty): undici's fetch
 * through the net-guard (every connection and redirect hop checked, the socket connected to the
 * checked address); a refusal fails with `NOTIFICATION_ENDPOINT_FORBIDDEN`.
 */
export function createEndpointFetch(options: { allowPrivateNetworks: boolean; resolve?: Resolver }): EndpointFetch {
  const policy = endpointPolicy(options);
  const agent = createGuardedAgent(policy, { connections: 16 });
  const fetcher = guardedFetch(policy, agent);
  return { fetch: (url, init) => fetcher(url, init), close: () => agent.close() };
}
