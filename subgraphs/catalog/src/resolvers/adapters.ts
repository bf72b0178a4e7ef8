import type { AdapterCapability as SdkCapability } from '@dictamesh/adapter-sdk';
import type { AdapterCapability, AdapterResolvers, MutationResolvers, QueryResolvers, SyncMode } from '../__generated__/resolvers-types';

const capabilities = (list: readonly SdkCapability[]) => list.map((c) => c.toUpperCase() as AdapterCapability);
const mode = (m: SyncMode | null | undefined) => (m === 'BACKFILL' ? 'backfill' : 'incremental');
const asObject = (value: unknown) => (value ?? {}) as Record<string, unknown>;

export const adapterQueries: Pick<QueryResolvers, 'adapters' | 'adapter' | 'adapterKinds'> = {
  adapters: (_root, _args, { prisma }) => prisma.adapterRegistration.findMany({ orderBy: { id: 'asc' } }),
  adapter: (_root, { id }, { prisma }) => prisma.adapterRegistration.findUnique({ where: { id } }),
  adapterKinds: async (_root, _args, { adapters }) =>
    (await adapters.kinds()).map((d) => ({
      kind: d.kind,
      version: d.version,
      description: d.description,
      capabilities: capabilities(d.capabilities),
      configSchema: adapters.configSchema(d),
      secretFields: [...d.secretFields],
    })),
};

export const adapterMutations: Pick<
  MutationResolvers,
  'registerAdapter' | 'updateAdapter' | 'pauseAdapter' | 'resumeAdapter' | 'removeAdapter' | 'triggerSync'
> = {
  registerAdapter: (_root, { input }, { adapters }) =>
    adapters.register({ id: input.id, kind: input.kind, config: asObject(input.config) }),
  updateAdapter: (_root, { id, input }, { adapters }) => adapters.update(id, asObject(input.config)),
  pauseAdapter: (_root, { id }, { adapters }) => adapters.pause(id),
  resumeAdapter: (_root, { id }, { adapters }) => adapters.resume(id),
  removeAdapter: (_root, { id }, { adapters }) => adapters.remove(id),
  triggerSync: (_root, { id, mode: m }, { adapters }) => adapters.triggerSync(id, mode(m)),
};

export const Adapter: AdapterResolvers = {
  __resolveReference: (ref, { prisma }) => prisma.adapterRegistration.findUnique({ where: { id: ref.id } }),
  capabilities: async (a, _args, { adapters }) => capabilities((await adapters.kind(a.kind))?.capabilities ?? []),
  config: (a) => a.config,
  secretFields: (a, _args, { adapters }) => adapters.secretFieldsSet(a),
  health: (a) => ({ healthy: a.healthy, message: a.healthMessage, checkedAt: a.checkedAt }),
  runningOn: (a) => (a.leaseOwner && a.leaseExpiresAt && a.leaseExpiresAt > new Date() ? a.leaseOwner : null),
  lastSync: (a) => {
    const s = a.lastSync as { mode: string; resource: string | null; entities: number; pages: number; durationMs: number } | null;
    return s ? { ...s, mode: s.mode === 'backfill' ? 'BACKFILL' : 'INCREMENTAL' } : null;
  },
  lagSeconds: async (a, _args, { prisma }) => {
    const checkpoint = (await prisma.adapterCheckpoint.findUnique({ where: { adapterId: a.id } }))?.checkpoint as {
      since?: string | null;
      seen?: string | null;
    } | null;
    const newest = [checkpoint?.since, checkpoint?.seen]
      .filter((t): t is string => typeof t === 'string')
      .sort()
      .pop();
    return newest ? Math.max(0, (Date.now() - Date.parse(newest)) / 1_000) : null;
  },
};
