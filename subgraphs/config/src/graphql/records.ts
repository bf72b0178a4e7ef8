/**
 * What the config resolvers hand to GraphQL for object types whose shape differs from the SDL
 * (codegen mappers, codegen.yml).
 */
import type { ConfigScopeRef } from '@dictamesh/events';

/** `ConfigScope`: the stored scope; level, organizationId and path are derived. */
export type ScopeRecord = ConfigScopeRef;
