import * as guard from '@dictamesh/net-guard';
import type { Agent, buildConnector, Dispatcher } from 'undici';
import { sourceGuard, type OutboundPolicy } from './address-policy';

/**
 * The net-guard's connector (every connection of a source request checked, each redirect hop's
 * too), refusing with SourceAddressForbiddenError.
 * @param connectOptions undici connector options (`timeout`, TLS options), without `lookup`
 */
export function guardedConnector(
  policy: OutboundPolicy | guard.AddressGuard,
  connectOptions: buildConnector.BuildOptions = {},
): buildConnector.connector {
  return guard.guardedConnector(sourceGuard(policy), connectOptions);
}

/** An undici Agent whose connections obey the policy (refusing with SourceAddressForbiddenError). */
export function createGuardedAgent(policy: OutboundPolicy | guard.AddressGuard, options: Omit<Agent.Options, 'connect'> = {}): Agent {
  return guard.createGuardedAgent(sourceGuard(policy), options);
}

/**
 * `fetch` over a {@link createGuardedAgent}: a refused connection rejects with
 * SourceAddressForbiddenError itself rather than fetch's generic `TypeError: fetch failed`.
 */
export function guardedFetch(policy: OutboundPolicy | guard.AddressGuard, dispatcher?: Dispatcher): typeof fetch {
  const checked = sourceGuard(policy);
  return guard.guardedFetch(checked, dispatcher ?? guard.createGuardedAgent(checked));
}
