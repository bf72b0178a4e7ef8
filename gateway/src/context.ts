import type { Principal, RequestOrigin } from '@dictamesh/runtime';

/** Per-operation context of the gateway: the verified caller, whose principal goes to the subgraphs. */
export interface GatewayContext {
  principal: Principal;
  /** Client address (the socket's, or the proxy's client with TRUST_PROXY). */
  ip: string;
  /** Request id, client address and user agent, signed with the principal for the subgraphs' audit trails (absent: internal operations). */
  origin?: RequestOrigin;
  /** Estimated cost of the operation, set by the demand-control plugin. */
  cost?: number;
  /** An operation the gateway runs for itself (subscription payloads): not charged to any budget. */
  internal?: boolean;
}
