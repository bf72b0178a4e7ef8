import type { ConfigChanged } from '@dictamesh/events';
import type { ResolversTypes, Resolvers } from '../__generated__/resolvers-types';
import { parseRevision, readChanges } from '../changes/history';
import { watchOf } from '../changes/watch';

/** A change event as the SDL's `ConfigChange` (the scope mapped to `ConfigScope`). */
function toGraphQL(change: ConfigChanged): ResolversTypes['ConfigChange'] {
  return {
    revision: change.revision,
    type: change.operation,
    key: change.key,
    scope: change.scope,
    version: change.version,
    kind: change.kind,
    hasValue: change.hasValue ?? null,
    value: change.value ?? null,
    redacted: change.redacted,
    rollbackOf: change.rollbackOf ?? null,
    author: change.author,
    reason: change.reason ?? null,
    occurredAt: change.occurredAt,
  };
}

/** `configChanges`: the change log after a revision, for a watch of the caller's organisation (or the platform's). */
export const changeResolvers: Resolvers = {
  Query: {
    configChanges: async (_root, args, ctx) => {
      const watch = watchOf(ctx, args.scope, args.prefix);
      const after = args.afterRevision == null ? null : parseRevision(args.afterRevision, 'afterRevision');
      const history = await readChanges(ctx.prisma, watch, after, args.first ?? 500);
      return {
        changes: history.changes.map(toGraphQL),
        hasMore: history.hasMore,
        compacted: history.compacted,
        revision: history.revision.toString(),
      };
    },
  },
};
