import type { AdapterCapability as SdkCapability } from '@dictamesh/adapter-sdk';
import { echo, err } from '@dictamesh/runtime';
import type { AdaptersContext } from '../context';
import { mayReadConfig } from '../scopes';
import { withoutSourceAddresses } from './source-addresses';
import type { SyncProgressState } from '../../sync-progress';
import type {
  AdapterCapability,
  AdapterResolvers,
  AdapterSyncPhase,
  MutationResolvers,
  QueryResolvers,
  SyncMode,
} from '../__generated__/resolvers-types';

const capabilities = (list: readonly SdkCapability[]) => list.map((c) => c.toUpperCase() as AdapterCapability);
const mode = (m: SyncMode | null | undefined) => (m === 'BACKFILL' ? 'backfill' : 'incremental');
const asObject = (value: unknown) => (value ?? {}) as Record<string, unknown>;
/**
 * An adapter's error text as the caller may see it: whole for those who may read its `config`,
 * else without the source addresses it names (they come from the configuration).
 */
const errorText = (text: string | null, a: { config: unknown }, { principal }: AdaptersContext) =>
  text === null || mayReadConfig(principal) ? text : withoutSourceAddresses(text, a.config);

/** The registration of adapter `id` if it belongs to the request's organisation. */
const adapterOf = ({ prisma, org }: AdaptersContext, id: string) => prisma.adapterRegistration.findFirst({ where: { id, orgId: org } });

/** The registrations of the request's organisation, by id (`Query.adapters`, `Organization.adapters`). */
export const adaptersOf = ({ prisma, org }: AdaptersContext) =>
  prisma.adapterRegistration.findMany({ where: { orgId: org }, orderBy: { id: 'asc' } });

/**
 * The registration of adapter `id` when it belongs to the request's organisation.
 * @throws DictaMeshError `NOT_FOUND` otherwise (another organisation's adapter is not told apart from an unknown one)
 */
async function ownAdapter(ctx: AdaptersContext, id: string): Promise<string> {
  if (!(await adapterOf(ctx, id))) throw err('NOT_FOUND', `No adapter ${echo(id)}`, { field: 'id' });
  return id;
}

export const adapterQueries: Pick<QueryResolvers, 'adapters' | 'adapter' | 'adapterKinds'> = {
  adapters: (_root, _args, ctx) => adaptersOf(ctx),
  adapter: (_root, { id }, ctx) => adapterOf(ctx, id),
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
  registerAdapter: (_root, { input }, { adapters, org }) =>
    adapters.register({ id: input.id, kind: input.kind, config: asObject(input.config), org }),
  updateAdapter: async (_root, { id, input }, ctx) => ctx.adapters.update(await ownAdapter(ctx, id), asObject(input.config)),
  pauseAdapter: async (_root, { id }, ctx) => ctx.adapters.pause(await ownAdapter(ctx, id)),
  resumeAdapter: async (_root, { id }, ctx) => ctx.adapters.resume(await ownAdapter(ctx, id)),
  removeAdapter: async (_root, { id }, ctx) => ctx.adapters.remove(await ownAdapter(ctx, id)),
  triggerSync: async (_root, { id, mode: m }, ctx) => ctx.adapters.triggerSync(await ownAdapter(ctx, id), mode(m)),
};

export const Adapter: AdapterResolvers = {
  __resolveReference: (ref, ctx) => adapterOf(ctx, ref.id),
  capabilities: async (a, _args, { adapters }) => capabilities((await adapters.kind(a.kind))?.capabilities ?? []),
  config: (a) => a.config,
  secretFields: (a, _args, { adapters }) => adapters.secretFieldsSet(a),
  health: (a, _args, ctx) => ({ healthy: a.healthy, message: errorText(a.healthMessage, a, ctx), checkedAt: a.checkedAt }),
  lastError: (a, _args, ctx) => errorText(a.lastError, a, ctx),
  runningOn: (a) => (a.leaseOwner && a.leaseExpiresAt && a.leaseExpiresAt > new Date() ? a.leaseOwner : null),
  lastSync: (a, _args, ctx) => {
    const s = a.lastSync as (Partial<SyncProgressState> & Pick<SyncProgressState, 'mode' | 'entities' | 'pages' | 'durationMs'>) | null;
    if (!s) return null;
    return {
      syncId: s.syncId ?? null,
      mode: s.mode === 'backfill' ? 'BACKFILL' : 'INCREMENTAL',
      phase: s.phase ? (s.phase.toUpperCase() as AdapterSyncPhase) : null,
      resource: s.resource ?? null,
      entities: s.entities,
      pages: s.pages,
      entitiesTotal: s.entitiesTotal ?? null,
      entitiesPerSecond: s.entitiesPerSecond ?? null,
      etaSeconds: s.etaSeconds ?? null,
      durationMs: s.durationMs,
      startedAt: s.startedAt ?? null,
      error: errorText(s.error ?? null, a, ctx),
    };
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
