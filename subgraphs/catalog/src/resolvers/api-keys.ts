import { echo, err, generateApiKey, orgOf, type Principal } from '@dictamesh/runtime';
import type { ApiKeyResolvers, AuthMethod, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types';
import { ADMIN_SCOPE, grantableScopes, PLATFORM_SCOPE, requireScope } from './scopes';

const METHODS: Record<Principal['method'], AuthMethod> = { jwt: 'JWT', 'api-key': 'API_KEY', anonymous: 'ANONYMOUS' };
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const ORG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** An API key id (`generateApiKey`: 12 base62 characters); anything else names no key. */
const KEY_ID = /^[A-Za-z0-9]{1,64}$/;

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
    return prisma.apiKey.findMany({ where: { orgId: org }, orderBy: { createdAt: 'desc' } });
  },
};

export const apiKeyMutations: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey'> = {
  createApiKey: async (_root, { input }, { prisma, principal }) => {
    requireAdminOf(principal, input.org);
    if (!NAME.test(input.name)) throw err('BAD_USER_INPUT', 'name must be 1–100 letters, digits, spaces, . _ -', { field: 'name' });
    const scopes = grantableScopes(principal, input.scopes ?? []);
    const { id, key, secretHash } = generateApiKey();
    const apiKey = await prisma.apiKey.create({ data: { id, orgId: input.org, name: input.name, scopes, secretHash } });
    return { key, apiKey };
  },
  revokeApiKey: async (_root, { id }, { prisma, principal }) => {
    const found = KEY_ID.test(id) ? await prisma.apiKey.findUnique({ where: { id } }) : null;
    if (!found) throw err('NOT_FOUND', `No API key ${echo(id)}`, { field: 'id' });
    requireAdminOf(principal, found.orgId);
    return found.revokedAt ? found : prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  },
};

export const ApiKey: ApiKeyResolvers = {
  org: (k) => k.orgId,
};
