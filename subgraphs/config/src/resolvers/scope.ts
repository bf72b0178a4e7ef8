import type { Resolvers } from '../__generated__/resolvers-types';
import { levelOf, pathOf } from '../scopes/scope';

/** `ConfigScope` from a stored scope. */
export const scopeResolvers: Resolvers = {
  ConfigScope: {
    level: (scope) => levelOf(scope),
    organizationId: (scope) => scope.orgId,
    environment: (scope) => scope.environment || null,
    service: (scope) => scope.service || null,
    component: (scope) => scope.component || null,
    path: (scope) => pathOf(scope),
  },
};
