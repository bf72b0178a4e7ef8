import { err } from '@dictamesh/runtime';
import type { EncryptionKeyInfo, KeyManager } from '@dictamesh/secrets';
import type { EncryptionKey, Resolvers } from '../__generated__/resolvers-types';
import { actorOf, deniedDetail, recordAudit } from '../audit/record';
import type { ConfigContext } from '../context';
import { isPlatformOperator, PLATFORM_SCOPE } from '../graphql/access';

/** A key as the SDL's `EncryptionKey` (never its material or its master key's id). */
function toGraphQL(key: EncryptionKeyInfo): EncryptionKey {
  return {
    id: key.id,
    version: key.version,
    provider: key.provider,
    status: key.status,
    dataKeys: key.dataKeys,
    createdAt: key.createdAt,
    rotatedAt: key.rotatedAt,
    retiredAt: key.retiredAt,
  };
}

/**
 * The key ring, for the platform operator only (also checked here, not only by `@requiresScopes`).
 * @throws DictaMeshError `FORBIDDEN` for anyone else; `CONFIGURATION_INVALID` when this service has no key ring
 */
function keyRing(ctx: ConfigContext): KeyManager {
  if (!isPlatformOperator(ctx)) throw err('FORBIDDEN', 'The key ring is the platform operator’s', { scope: PLATFORM_SCOPE });
  if (!ctx.keys) throw err('CONFIGURATION_INVALID', 'This config service has no key ring');
  return ctx.keys;
}

/**
 * Runs a key ring change and audits it at the platform scope (KEY_ROTATE / KEY_RETIRE): ALLOWED
 * with the key ids and counts, or DENIED with the error code.
 */
async function audited<T>(
  ctx: ConfigContext,
  action: 'KEY_ROTATE' | 'KEY_RETIRE',
  detail: Record<string, unknown>,
  change: (keys: KeyManager) => Promise<{ result: T; detail: Record<string, unknown> }>,
): Promise<T> {
  const actor = actorOf(ctx);
  try {
    const done = await change(keyRing(ctx));
    await recordAudit(ctx.prisma, actor, { orgId: null, action, outcome: 'ALLOWED', detail: { ...detail, ...done.detail } }, ctx.now());
    return done.result;
  } catch (error) {
    await recordAudit(
      ctx.prisma,
      actor,
      { orgId: null, action, outcome: 'DENIED', detail: { ...detail, ...deniedDetail(error) } },
      ctx.now(),
    );
    throw error;
  }
}

/** The envelope-encryption key ring: list, rotation (online re-wrap of every data key) and retirement. */
export const keyResolvers: Resolvers = {
  Query: {
    encryptionKeys: async (_root, _args, ctx) => (await keyRing(ctx).list()).map(toGraphQL),
  },
  Mutation: {
    rotateEncryptionKey: (_root, _args, ctx) =>
      audited(ctx, 'KEY_ROTATE', {}, async (keys) => {
        const { key, rewrapped } = await keys.rotate();
        return { result: { key: toGraphQL(key), rewrapped }, detail: { keyId: key.id, version: key.version, rewrapped } };
      }),
    retireEncryptionKey: (_root, { id }, ctx) =>
      audited(ctx, 'KEY_RETIRE', { keyId: id }, async (keys) => {
        const key = await keys.retire(id);
        return { result: toGraphQL(key), detail: { version: key.version } };
      }),
  },
};
