import type { Principal } from '@dictamesh/runtime';

/**
 * Who may read `Adapter.config`: its `@requiresScopes` in `schemas/subgraphs/adapters.graphql`
 * (any one inner list, all of its scopes; a test keeps the two equal).
 */
export const CONFIG_READERS: readonly (readonly string[])[] = [['dictamesh:admin'], ['adapters:read'], ['adapters:write']];

/** Whether the principal may read adapter configurations (as the gateway decides for `Adapter.config`). */
export function mayReadConfig(principal: Principal): boolean {
  return CONFIG_READERS.some((set) => set.every((scope) => principal.scopes.includes(scope)));
}
