import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { auditPage } from '../audit/query';
import { isPlatformOperator, PLATFORM_SCOPE } from '../graphql/access';

/** `configAuditLog`: the caller's organisation's audit log (the platform's for the platform operator with `filter.platform`), newest first. */
export const auditResolvers: Resolvers = {
  Query: {
    configAuditLog: (_parent, args, ctx) => {
      const filter = args.filter ?? {};
      if (filter.platform && !isPlatformOperator(ctx))
        throw err('FORBIDDEN', 'Only the platform operator (dictamesh:platform) reads the platform audit log.', { scope: PLATFORM_SCOPE });
      const date = (value: Date | string | null | undefined) => (value ? new Date(value) : null);
      return auditPage(ctx.prisma, {
        orgId: filter.platform ? null : ctx.org,
        key: filter.key ?? null,
        prefix: filter.prefix ?? null,
        actions: filter.actions ?? null,
        actor: filter.actor ?? null,
        since: date(filter.since),
        until: date(filter.until),
        first: args.first ?? 50,
        after: args.after ?? null,
      });
    },
  },
  ConfigAuditEntry: {
    id: (row) => row.id.toString(),
    at: (row) => row.at,
    organizationId: (row) => row.orgId,
    actor: (row) => row.actor,
    actorMethod: (row) => row.actorMethod,
    action: (row) => row.action,
    outcome: (row) => (row.outcome === 'DENIED' ? 'DENIED' : 'ALLOWED'),
    scope: (row) => row.scope,
    key: (row) => row.key,
    version: (row) => row.version,
    requestId: (row) => row.requestId,
    ip: (row) => row.ip,
    userAgent: (row) => row.userAgent,
    detail: (row) => row.detail,
  },
};
