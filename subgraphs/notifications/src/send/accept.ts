import { randomUUID } from 'node:crypto';
import type { Notification, NotificationChannel, Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { digestWindow } from '../digests/window';
import { claimIdempotencyKey, findIdempotencyKey, recordIdempotentAnswer, type StoredIdempotencyKey } from './idempotency';
import { planNotifications, type NotificationPlan, type PlannedNotification, type PlanOptions } from './plan';
import type { NotificationRequest } from './request';

/** Options of {@link acceptNotifications}. */
export interface AcceptOptions extends PlanOptions {
  /** `sendNotification`'s idempotency key and the SHA-256 (hex) of its canonical request (`requestHash` of ./idempotency). */
  idempotency?: { key: string; requestHash: string };
}

/** What {@link acceptNotifications} answers. */
export interface AcceptResult {
  /** The notifications of the request: subscribers' first (request order), then the organisation-level one (addresses, endpoints). */
  notifications: Notification[];
  /** True when nothing was created: the stored answer of the same idempotency key, or the notifications of an event already accepted. */
  replayed: boolean;
}

const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

/** A transaction's outcome: created, or the answer found instead. */
type Written = { kind: 'created'; ids: string[]; queued: boolean; created: number } | { kind: 'replayed'; ids: string[] };

/**
 * Accepts a notification request: validates everything first ({@link planNotifications}: type,
 * channels, recipients, addresses, sizes, every rendering), then writes in ONE transaction one
 * notification per subscriber recipient and one organisation-level notification (subscriber null)
 * for direct addresses and endpoints, their deliveries with the rendered content (SUPPRESSED ones
 * with their reason in `lastError`; quiet hours in `nextAttemptAt`), digest windows (a digested
 * delivery is SUPPRESSED `digest:<digestId>`; the window's close is queued once, by the
 * transaction that opened it) and the delivery jobs (`queue.enqueueDelivery(tx, …)`), then wakes
 * the worker. Nothing is written or queued when anything fails.
 *
 * A request naming a `source.eventId` already accepted for a recipient creates nothing for it
 * (a redelivered event; the database's unique index settles concurrent ones) and answers the
 * existing notification. With `options.idempotency`, a live key (24 h) with the same request
 * hash answers the first request's notifications; the key is taken inside the transaction, so two
 * concurrent identical requests create one set.
 *
 * @throws DictaMeshError `NOTIFICATION_IDEMPOTENCY_CONFLICT` (same key, different request), and
 *   every code of {@link planNotifications}
 */
export async function acceptNotifications(
  services: NotificationsServices,
  request: NotificationRequest,
  options: AcceptOptions = {},
): Promise<AcceptResult> {
  const { prisma } = services;
  const { idempotency } = options;
  if (idempotency) {
    const stored = await findIdempotencyKey(prisma, request.orgId, idempotency.key, services.now());
    if (stored) return replay(services, request.orgId, idempotency, stored);
  }
  const plan = await planNotifications(services, request, options);
  const written = await prisma.$transaction(async (tx): Promise<Written> => {
    if (idempotency) {
      const stored = await claimIdempotencyKey(tx, { orgId: request.orgId, ...idempotency }, services.now());
      if (stored) {
        assertSameRequest(idempotency, stored);
        return { kind: 'replayed', ids: stored.notificationIds };
      }
    }
    const result = await writePlan(tx, services, request, plan);
    if (idempotency) await recordIdempotentAnswer(tx, request.orgId, idempotency.key, result.ids);
    return result;
  }, TX_OPTIONS);
  if (written.kind === 'created') {
    if (written.queued) services.queue.wake();
    services.metrics?.accepted(request.typeKey, written.created);
  }
  return { notifications: await loadInOrder(services, request.orgId, written.ids), replayed: written.kind === 'replayed' };
}

/** @throws DictaMeshError `NOTIFICATION_IDEMPOTENCY_CONFLICT` when the key was used with another request */
function assertSameRequest(idempotency: { key: string; requestHash: string }, stored: StoredIdempotencyKey): void {
  if (stored.requestHash !== idempotency.requestHash)
    throw err('NOTIFICATION_IDEMPOTENCY_CONFLICT', undefined, { idempotencyKey: idempotency.key });
}

async function replay(
  services: NotificationsServices,
  orgId: string,
  idempotency: { key: string; requestHash: string },
  stored: StoredIdempotencyKey,
) {
  assertSameRequest(idempotency, stored);
  return { notifications: await loadInOrder(services, orgId, stored.notificationIds), replayed: true };
}

/** The notifications `ids` of `orgId`, in the order of `ids`. */
async function loadInOrder(services: NotificationsServices, orgId: string, ids: string[]): Promise<Notification[]> {
  const rows = await services.prisma.notification.findMany({ where: { orgId, id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Writes a validated plan in the accepting transaction. */
async function writePlan(
  tx: Prisma.TransactionClient,
  services: NotificationsServices,
  request: NotificationRequest,
  plan: NotificationPlan,
): Promise<Written> {
  const now = services.now();
  const source = request.source ?? null;
  const created = new Set(
    (
      await tx.notification.createManyAndReturn({
        data: plan.notifications.map((n) => ({
          id: n.id,
          orgId: request.orgId,
          subscriberId: n.subscriberId,
          typeKey: plan.type.key,
          priority: plan.priority,
          status: n.deliveries.some((d) => d.status === 'QUEUED') ? ('QUEUED' as const) : ('SUPPRESSED' as const),
          title: n.title,
          body: n.body,
          payload: request.variables as Prisma.InputJsonValue,
          sourceEventId: source?.eventId ?? null,
          sourceType: source?.type ?? null,
          ruleId: request.ruleId ?? null,
          entityUrn: request.entityUrn ?? null,
        })),
        // a redelivered event: the unique index (org, subscriber, type, source event) keeps the first
        skipDuplicates: true,
        select: { id: true },
      })
    ).map((row) => row.id),
  );
  const ids: string[] = [];
  let queued = false;
  for (const planned of plan.notifications) {
    if (!created.has(planned.id)) {
      ids.push(await existingId(tx, request, planned));
      continue;
    }
    ids.push(planned.id);
    queued = (await writeDeliveries(tx, services, request, plan, planned, now)) || queued;
  }
  if (created.size === 0 && plan.notifications.length > 0) return { kind: 'replayed', ids };
  return { kind: 'created', ids, queued, created: created.size };
}

/** The notification an earlier acceptance of the same source event created for `planned`'s recipient. */
async function existingId(tx: Prisma.TransactionClient, request: NotificationRequest, planned: PlannedNotification): Promise<string> {
  const row = await tx.notification.findFirstOrThrow({
    where: { orgId: request.orgId, subscriberId: planned.subscriberId, typeKey: request.typeKey, sourceEventId: request.source!.eventId },
    select: { id: true },
  });
  return row.id;
}

/**
 * Writes the deliveries of a new notification, folds digested ones into their window and queues
 * the rest. @returns whether a job was queued
 */
async function writeDeliveries(
  tx: Prisma.TransactionClient,
  services: NotificationsServices,
  request: NotificationRequest,
  plan: NotificationPlan,
  planned: PlannedNotification,
  now: Date,
): Promise<boolean> {
  const digests = new Map<NotificationChannel, string | null>();
  let firstDigest: string | null = null;
  for (const delivery of planned.deliveries) {
    if (delivery.digestWindowSeconds === null || digests.has(delivery.channel)) continue;
    const digestId = await joinDigest(tx, services, {
      orgId: request.orgId,
      subscriberId: planned.subscriberId!,
      typeKey: plan.type.key,
      channel: delivery.channel,
      windowSeconds: delivery.digestWindowSeconds,
      now,
    });
    digests.set(delivery.channel, digestId);
    firstDigest ??= digestId;
  }
  const rows = planned.deliveries.map((delivery) => {
    const digestId = digests.get(delivery.channel) ?? null;
    const status = digestId ? ('SUPPRESSED' as const) : delivery.status;
    return {
      id: delivery.id,
      notificationId: planned.id,
      orgId: request.orgId,
      channel: delivery.channel,
      destination: delivery.destination,
      endpointId: delivery.endpointId,
      status,
      subject: delivery.rendered.subject,
      content: delivery.rendered.text,
      html: delivery.rendered.html,
      templateVersion: delivery.rendered.templateVersion,
      locale: delivery.rendered.locale,
      nextAttemptAt: status === 'QUEUED' ? delivery.notBefore : null,
      lastError: digestId ? `digest:${digestId}` : delivery.lastError,
    };
  });
  await tx.notificationDelivery.createMany({ data: rows });
  const stillQueued = rows.some((row) => row.status === 'QUEUED');
  if (firstDigest || !stillQueued) {
    await tx.notification.update({
      where: { id: planned.id },
      data: { digestId: firstDigest, status: stillQueued ? 'QUEUED' : 'SUPPRESSED' },
    });
  }
  for (const row of rows) {
    if (row.status === 'QUEUED') await services.queue.enqueueDelivery(tx, row.id, row.nextAttemptAt ?? undefined);
  }
  return stillQueued || digests.size > 0;
}

/**
 * Counts one notification into the OPEN digest of (subscriber, type, channel, window of `now`):
 * `INSERT … ON CONFLICT DO UPDATE SET count = count + 1`, so concurrent triggers of one window
 * share one row; the transaction that inserted it queues the window's close at its end.
 * @returns the digest id, or null when the window's digest was already sent (then the delivery goes out alone)
 */
async function joinDigest(
  tx: Prisma.TransactionClient,
  services: NotificationsServices,
  q: { orgId: string; subscriberId: string; typeKey: string; channel: NotificationChannel; windowSeconds: number; now: Date },
): Promise<string | null> {
  const window = digestWindow(q.now, q.windowSeconds);
  const id = randomUUID();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO dictamesh_notification_digests (id, org_id, subscriber_id, type_key, channel, window_start, window_end, status, count, created_at)
    VALUES (${id}::uuid, ${q.orgId}, ${q.subscriberId}::uuid, ${q.typeKey}, ${q.channel}::"NotificationChannel", ${window.start}, ${window.end}, 'OPEN', 1, ${q.now})
    ON CONFLICT (subscriber_id, type_key, channel, window_start) DO UPDATE
      SET count = dictamesh_notification_digests.count + 1
      WHERE dictamesh_notification_digests.status = 'OPEN'
    RETURNING id::text AS id`;
  const digestId = rows[0]?.id ?? null;
  if (digestId === id) await services.queue.enqueueDigest(tx, digestId, window.end);
  return digestId;
}
