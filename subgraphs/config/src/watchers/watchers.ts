import type { PrismaClient } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import { isPlatformOperator } from '../graphql/access';

/** Seconds without a heartbeat before a watcher is listed as expired: bounds and default. */
export const WATCHER_TTL = { min: 10, max: 3600, default: 60 } as const;

/** `ACTIVE` while heartbeats come within the TTL, then `EXPIRED`. */
export type WatcherStatus = 'ACTIVE' | 'EXPIRED';

/** A watcher row (`dictamesh_config_watchers`). */
export interface WatcherRow {
  id: string;
  orgId: string | null;
  name: string;
  instance: string | null;
  platform: boolean;
  environment: string;
  service: string;
  component: string;
  prefix: string;
  lastRevision: bigint;
  ttlSeconds: number;
  registeredAt: Date;
  lastHeartbeatAt: Date;
}

/** What registers a watcher (scope already checked by `scopeOf`). */
export interface WatcherRegistration {
  name: string;
  instance?: string | null;
  scope: ConfigScopeRef;
  prefix?: string | null;
  /** {@link WATCHER_TTL} bounds; default 60. */
  ttlSeconds?: number | null;
}

/** A watcher's status at `now`: expired once `lastHeartbeatAt + ttlSeconds` is past. */
export function watcherStatus(row: Pick<WatcherRow, 'lastHeartbeatAt' | 'ttlSeconds'>, now: Date): WatcherStatus {
  return row.lastHeartbeatAt.getTime() + row.ttlSeconds * 1000 < now.getTime() ? 'EXPIRED' : 'ACTIVE';
}

/** The watcher's scope as stored in the entry model's terms. */
export function watcherScope(row: WatcherRow): ConfigScopeRef {
  return { orgId: row.platform ? null : row.orgId, environment: row.environment, service: row.service, component: row.component };
}

/** Which watchers a caller sees: its organisation's, and the platform's for the platform operator. */
function visibleTo(ctx: Pick<SubgraphContext, 'principal' | 'org'>): { OR: ({ orgId: string } | { orgId: null })[] } {
  return { OR: isPlatformOperator(ctx) ? [{ orgId: ctx.org }, { orgId: null }] : [{ orgId: ctx.org }] };
}

/**
 * Registers a watcher of the scope's organisation (or of the platform), alive from `now`.
 * @throws DictaMeshError `BAD_USER_INPUT` (empty or too long name / instance / prefix, TTL out of
 *   10–3600 s)
 */
export async function registerWatcher(prisma: PrismaClient, registration: WatcherRegistration, now: Date): Promise<WatcherRow> {
  const name = registration.name.trim();
  if (name.length === 0 || name.length > 100) throw err('BAD_USER_INPUT', 'A watcher name has 1 to 100 characters.', { field: 'name' });
  if ((registration.instance?.length ?? 0) > 200)
    throw err('BAD_USER_INPUT', 'An instance has at most 200 characters.', { field: 'instance' });
  if ((registration.prefix?.length ?? 0) > 200)
    throw err('BAD_USER_INPUT', 'A key prefix has at most 200 characters.', { field: 'prefix' });
  const ttlSeconds = registration.ttlSeconds ?? WATCHER_TTL.default;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < WATCHER_TTL.min || ttlSeconds > WATCHER_TTL.max)
    throw err('BAD_USER_INPUT', `ttlSeconds must be between ${WATCHER_TTL.min} and ${WATCHER_TTL.max}.`, { field: 'ttlSeconds' });
  const { scope } = registration;
  return prisma.configWatcher.create({
    data: {
      orgId: scope.orgId,
      platform: scope.orgId === null,
      name,
      instance: registration.instance ?? null,
      environment: scope.environment,
      service: scope.service,
      component: scope.component,
      prefix: registration.prefix ?? '',
      ttlSeconds,
      registeredAt: now,
      lastHeartbeatAt: now,
    },
  });
}

/** The watcher `id` if the caller sees it. @throws DictaMeshError `CONFIG_WATCHER_UNKNOWN` */
export async function visibleWatcher(
  prisma: PrismaClient,
  ctx: Pick<SubgraphContext, 'principal' | 'org'>,
  id: string,
): Promise<WatcherRow> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const row = uuid ? await prisma.configWatcher.findFirst({ where: { id, ...visibleTo(ctx) } }) : null;
  if (!row) throw err('CONFIG_WATCHER_UNKNOWN', undefined, { id: id.slice(0, 64) });
  return row;
}

/**
 * A heartbeat: the watcher is alive at `now` and, when given, has applied the log up to
 * `revision` (never moved back).
 * @throws DictaMeshError `CONFIG_WATCHER_UNKNOWN` (unknown, or another organisation's)
 */
export async function heartbeatWatcher(
  prisma: PrismaClient,
  ctx: Pick<SubgraphContext, 'principal' | 'org'>,
  id: string,
  revision: bigint | null,
  now: Date,
): Promise<WatcherRow> {
  const row = await visibleWatcher(prisma, ctx, id);
  return prisma.configWatcher.update({
    where: { id: row.id },
    data: { lastHeartbeatAt: now, ...(revision !== null && revision > row.lastRevision ? { lastRevision: revision } : {}) },
  });
}

/**
 * Removes a watcher.
 * @throws DictaMeshError `CONFIG_WATCHER_UNKNOWN` (unknown, or another organisation's)
 */
export async function unregisterWatcher(
  prisma: PrismaClient,
  ctx: Pick<SubgraphContext, 'principal' | 'org'>,
  id: string,
): Promise<WatcherRow> {
  const row = await visibleWatcher(prisma, ctx, id);
  await prisma.configWatcher.deleteMany({ where: { id: row.id } });
  return row;
}

/** The watchers the caller sees, oldest registration first (then by name); expired ones only with `includeExpired`. */
export async function listWatchers(
  prisma: PrismaClient,
  ctx: Pick<SubgraphContext, 'principal' | 'org'>,
  includeExpired: boolean,
  now: Date,
): Promise<WatcherRow[]> {
  const rows = await prisma.configWatcher.findMany({
    where: visibleTo(ctx),
    orderBy: [{ registeredAt: 'asc' }, { name: 'asc' }, { id: 'asc' }],
    take: 1000,
  });
  return includeExpired ? rows : rows.filter((row) => watcherStatus(row, now) === 'ACTIVE');
}

/**
 * Deletes the watchers whose TTL ran out before `cutoff` (expired for longer than the retention).
 * @returns watchers deleted
 */
export async function purgeExpiredWatchers(prisma: PrismaClient, cutoff: Date): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM "dictamesh_config_watchers"
    WHERE "last_heartbeat_at" + make_interval(secs => "ttl_seconds") < ${cutoff}`;
}
