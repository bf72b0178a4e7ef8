import { createApiKeyStore } from '@dictamesh/db';
import { echo, err, orgOf, type Principal } from '@dictamesh/runtime';
import type { ApiKeyResolvers, AuthMethod, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types';
import { ADMIN_SCOPE, grantableScopes, PLATFORM_SCOPE, requireScope } from './scopes';

const METHODS: Record<Principal['method'], AuthMethod> = { jwt: 'JWT', 'api-key': 'API_KEY', anonymous: 'ANONYMOUS' };
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const ORG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * @throws DictaMeshError `BAD_USER_INPUT` (field `org`) unless `org` is an organisation id;
 *   `FORBIDDEN` unless the principal administers it: `dictamesh:admin` in `org` itself, or
 *   `dictamesh:platform`
 */
function requireAdminOf(principal: Principal, org: string): void {
  if (!ORG.test(org)) throw err('BAD_USER_INPUT', 'org must be 1–100 letters, digits, . _ -', { field: 'org' });
  if (principal.scopes.includes(PLATFORM_SCOPE)) return;
  requireScope(principal, ADMIN_SCOPE);
  if (orgOf(principal) !== org) throw err('FORBIDDEN', `Only administrators of ${org} (or the platform) manage its API keys.`, { org });
}

export const apiKeyQueries: Pick<QueryResolvers, 'viewer' | 'apiKeys'> = {
  viewer: (_root, _args, { principal }) => ({ ...principal, method: METHODS[principal.method] }),
  apiKeys: (_root, { org }, { prisma, principal }) => {
    requireAdminOf(principal, org);
    return createApiKeyStore({ prisma }).list(org);
  },
};

export const apiKeyMutations: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey'> = {
  createApiKey: async (_root, { input }, { prisma, principal }) => {
    requireAdminOf(principal, input.org);
    if (!NAME.test(input.name)) throw err('BAD_USER_INPUT', 'name must be 1–100 letters, digits, spaces, . _ -', { field: 'name' });
    const scopes = grantableScopes(principal, input.scopes ?? []);
    return createApiKeyStore({ prisma }).create({ org: input.org, name: input.name, scopes });
  },
  revokeApiKey: async (_root, { id }, { prisma, principal }) => {
    const keys = createApiKeyStore({ prisma });
    const found = await keys.find(id);
    if (!found) throw err('NOT_FOUND', `No API key ${echo(id)}`, { field: 'id' });
    requireAdminOf(principal, found.org);
    return found.revokedAt ? found : ((await keys.revoke(id)) ?? found);
  },
};

export const ApiKey: ApiKeyResolvers = {
  org: (k) => k.org,
};
