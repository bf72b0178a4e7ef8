/**
 * @packageDocumentation
 * The outbound-connection guard against server-side request forgery: connections that
 * tenant-configured URLs lead to (adapter sources, notification webhooks) reach public unicast
 * addresses only, unless the operator allowed a host or range or development allows private
 * networks. Every connection — each redirect hop, each DNS answer — is checked, and the socket
 * connects to the very address that was checked. A refused connection fails with the error the
 * policy builds (`forbidden`), so each caller keeps its own error code.
 */
export {
  AddressGuard,
  assertPublicAddress,
  isPublicAddress,
  PUBLIC_ONLY,
  type OutboundPolicy,
  type ResolvedAddress,
  type Resolver,
} from './address-policy';
export { AddressForbiddenError, isAddressForbidden, type ForbiddenErrorFactory } from './forbidden';
export { createGuardedAgent, guardedConnector, guardedFetch } from './guarded-agent';
export { guardedLookup } from './guarded-lookup';
export { guardedSocketFactory } from './guarded-socket';
