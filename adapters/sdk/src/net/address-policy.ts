import * as guard from '@dictamesh/net-guard';
import { SourceAddressForbiddenError } from '../errors';

export { isPublicAddress, PUBLIC_ONLY, type ResolvedAddress, type Resolver } from '@dictamesh/net-guard';

/**
 * Which hosts adapters' outgoing connections may reach (the {@link guard.OutboundPolicy} of
 * `@dictamesh/net-guard`): public unicast addresses only unless the operator allowed more
 * (`ADAPTER_ALLOWED_HOSTS`) or development allows private networks. A refused connection fails
 * with {@link SourceAddressForbiddenError} (`SOURCE_ADDRESS_FORBIDDEN`) unless `forbidden` says otherwise.
 */
export type OutboundPolicy = guard.OutboundPolicy;

const sourceForbidden = (host: string) => new SourceAddressForbiddenError(host);

/**
 * The net-guard's address guard with adapters' error: a refused connection fails with
 * {@link SourceAddressForbiddenError} (unless the policy names its own `forbidden`).
 * @throws Error naming an allow-list entry that is neither a host name nor an address / CIDR
 */
export class AddressGuard extends guard.AddressGuard {
  constructor(policy: OutboundPolicy = guard.PUBLIC_ONLY) {
    super({ forbidden: sourceForbidden, ...policy });
  }
}

/** A policy as a guard refusing with {@link SourceAddressForbiddenError} (a guard given is used as it is). */
export function sourceGuard(policy: OutboundPolicy | guard.AddressGuard): guard.AddressGuard {
  return policy instanceof guard.AddressGuard ? policy : new AddressGuard(policy);
}

/**
 * Throws unless `address` is public or the policy allows it.
 * @param host what the tenant configured (named in the error)
 * @throws SourceAddressForbiddenError
 */
export function assertPublicAddress(address: string, host: string = address, policy: OutboundPolicy = guard.PUBLIC_ONLY): void {
  guard.assertPublicAddress(address, host, sourceGuard(policy));
}
