import { err, generateApiKey, orgOf, type Principal } from '@dictamesh/runtime';
import type { ApiKeyResolvers, AuthMethod, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types';

/** Scope of the principals that manage their organisation's API keys. */
export const ADMIN_SCOPE = 'dictamesh:admin';
/** Scope of platform operators, who manage the API keys of every organisation. */
export const PLATFORM_SCOPE = 'dictamesh:platform';

/** @throws DictaMeshError `FORBIDDEN` (403) unless the principal has `scope` */
export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.includes(scope)) throw err('FORBIDDEN', `This needs the scope ${scope}.`, { scope });
}

/**
 * @throws DictaMeshError `FORBIDDEN` unless the principal administers `org`: `dictamesh:admin`
 *   in `org` itself, or `dictamesh:platform`
 */
function requireAdminOf(principal: Principal, org: string): void {
  if (principal.scopes.includes(PLATFORM_SCOPE)) return;
  requireScope(principal, ADMIN_SCOPE);
  if (orgOf(principal) !== org) throw err('FORBIDDEN', `Only administrators of ${org} (or the platform) manage its API keys.`, { org });
}

const METHODS: Record<Principal['method'], AuthMethod> = { jwt: 'JWT', 'api-key': 'API_KEY', anonymous: 'ANONYMOUS' };
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const ORG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

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
    if (!ORG.test(input.org)) throw err('BAD_USER_INPUT', 'org must be 1–100 letters, digits, . _ -', { field: 'org' });
    if (!NAME.test(input.name)) throw err('BAD_USER_INPUT', 'name must be 1–100 letters, digits, spaces, . _ -', { field: 'name' });
    const { id, key, secretHash } = generateApiKey();
    const apiKey = await prisma.apiKey.create({ data: { id, orgId: input.org, name: input.name, scopes: input.scopes, secretHash } });
    return { key, apiKey };
  },
  revokeApiKey: async (_root, { id }, { prisma, principal }) => {
    const found = await prisma.apiKey.findUnique({ where: { id } });
    if (!found) throw err('NOT_FOUND', `No API key ${id}`, { field: 'id' });
    requireAdminOf(principal, found.orgId);
    return found.revokedAt ? found : prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  },
};

export const ApiKey: ApiKeyResolvers = {
  org: (k) => k.orgId,
};
