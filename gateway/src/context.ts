import type { Principal } from '@dictamesh/runtime';

/** Per-operation context of the gateway: the verified caller, whose principal goes to the subgraphs. */
export interface GatewayContext {
  principal: Principal;
}
