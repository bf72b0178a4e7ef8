import type { Resolvers, ResolversTypes } from '../__generated__/resolvers-types';
import { actorOf, recordAudit } from '../audit/record';
import { currentRevision, parseRevision } from '../changes/history';
import type { ConfigContext } from '../context';
import { pathOf, scopeOf } from '../scopes/scope';
import {
  heartbeatWatcher,
  listWatchers,
  registerWatcher,
  unregisterWatcher,
  visibleWatcher,
  watcherScope,
  watcherStatus,
  type WatcherRow,
} from '../watchers/watchers';
import { err } from '@dictamesh/runtime';

/** A watcher as the SDL's `ConfigWatcher`, its status at the service's clock. */
function toGraphQL(row: WatcherRow, now: Date): ResolversTypes['ConfigWatcher'] {
  return {
    id: row.id,
    name: row.name,
    instance: row.instance,
    scope: watcherScope(row),
    prefix: row.prefix,
    lastRevision: row.lastRevision.toString(),
    ttlSeconds: row.ttlSeconds,
    status: watcherStatus(row, now),
    registeredAt: row.registeredAt,
    lastHeartbeatAt: row.lastHeartbeatAt,
  };
}

/** Records a watcher registration or removal in the audit log (who, from where). */
function audit(ctx: ConfigContext, action: 'WATCHER_REGISTER' | 'WATCHER_UNREGISTER', row: WatcherRow): Promise<void> {
  const detail = { watcher: row.id, name: row.name, ...(row.prefix ? { prefix: row.prefix } : {}) };
  const scope = watcherScope(row);
  return recordAudit(ctx.prisma, actorOf(ctx), { orgId: scope.orgId, action, outcome: 'ALLOWED', scope: pathOf(scope), detail }, ctx.now());
}

/** Watchers: registration, heartbeats, removal and the list, limited to the caller's organisation (and the platform's for its operator). */
export const watcherResolvers: Resolvers = {
  Query: {
    configWatchers: async (_root, args, ctx) => {
      const now = ctx.now();
      return (await listWatchers(ctx.prisma, ctx, args.includeExpired ?? false, now)).map((row) => toGraphQL(row, now));
    },
  },
  Mutation: {
    registerConfigWatcher: async (_root, { input }, ctx) => {
      const scope = scopeOf(ctx, input.scope);
      const row = await registerWatcher(
        ctx.prisma,
        { name: input.name, instance: input.instance ?? null, scope, prefix: input.prefix ?? null, ttlSeconds: input.ttlSeconds ?? null },
        ctx.now(),
      );
      await audit(ctx, 'WATCHER_REGISTER', row);
      return toGraphQL(row, ctx.now());
    },
    heartbeatConfigWatcher: async (_root, args, ctx) => {
      const revision = args.revision == null ? null : parseRevision(args.revision, 'revision');
      await visibleWatcher(ctx.prisma, ctx, args.id); // an unknown id is told so before anything else
      if (revision !== null) {
        const current = await currentRevision(ctx.prisma);
        if (revision > current)
          throw err('CONFIG_REVISION_FUTURE', undefined, { revision: args.revision!, currentRevision: current.toString() });
      }
      const now = ctx.now();
      return toGraphQL(await heartbeatWatcher(ctx.prisma, ctx, args.id, revision, now), now);
    },
    unregisterConfigWatcher: async (_root, args, ctx) => {
      const row = await unregisterWatcher(ctx.prisma, ctx, args.id);
      await audit(ctx, 'WATCHER_UNREGISTER', row);
      return true;
    },
  },
};
